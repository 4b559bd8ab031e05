import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import { readOnBehalfOf } from '../http/on-behalf-of';
import { logMixin } from './log-context';

let destinationOverride: DestinationStream | undefined;

/**
 * Sends the logs of services created from now on to `stream` instead of stdout (tests
 * read what a service logs, e.g. to prove secrets never appear). `undefined` restores stdout.
 */
export function setLogDestination(stream: DestinationStream | undefined): void {
  destinationOverride = stream;
}

/**
 * Paths pino blanks out wherever they appear. Secrets reach logs through request
 * bodies and headers, so redaction is by field name, not by call site.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'req.headers["x-internal-token"]',
  'req.headers["x-fault-secret"]',
  '*.password',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.cardNumber',
  '*.card.number',
  '*.cvc',
];

@Module({})
export class ServiceLoggerModule {
  static forRoot(serviceName: string, level: string): DynamicModule {
    return {
      module: ServiceLoggerModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: withDestination({
            level,
            name: serviceName,
            base: { service: serviceName },
            redact: { paths: REDACT_PATHS, censor: '[redacted]' },
            mixin: logMixin,
            // Every line of a request made for a user (x-on-behalf-of) says which user.
            customProps: (req: IncomingMessage) => {
              const user = readOnBehalfOf(req.headers);
              return user ? { onBehalfOf: user } : {};
            },
            // Probes and scrapes every few seconds would drown everything else.
            autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
            customLogLevel: (_req, res, err) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
            serializers: {
              req: (req: { method: string; url: string; id: unknown }) => ({
                id: req.id,
                method: req.method,
                url: req.url?.split('?')[0],
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          }),
        }),
      ],
    };
  }
}

function withDestination<O>(options: O): O | [O, DestinationStream] {
  return destinationOverride ? [options, destinationOverride] : options;
}
