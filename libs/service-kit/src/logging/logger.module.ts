import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { logMixin } from './log-context';

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
          pinoHttp: {
            level,
            name: serviceName,
            base: { service: serviceName },
            redact: { paths: REDACT_PATHS, censor: '[redacted]' },
            mixin: logMixin,
            // Probes and scrapes every few seconds would drown everything else.
            autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
            serializers: {
              req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
      ],
    };
  }
}
