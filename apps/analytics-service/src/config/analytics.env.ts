import { IsString, Matches } from 'class-validator';
import { BaseEnv, EnvInt } from '@ha-shop/service-kit';

export class AnalyticsEnv extends BaseEnv {
  /**
   * The feeds to pull, as `name=baseUrl` pairs separated by commas, e.g.
   * `checkout-service=http://127.0.0.1:3003,payment-service=http://127.0.0.1:3004`.
   * Several URLs for one source (replicas) are separated by `|`; any of them serves the same feed.
   */
  @IsString()
  @Matches(/^$|^[a-z0-9-]+=[^,=]+(,[a-z0-9-]+=[^,=]+)*$/, {
    message: 'FEED_SOURCES must look like name=url,name=url',
  })
  FEED_SOURCES = '';

  @EnvInt(50)
  FEED_POLL_INTERVAL_MS = 1000;

  @EnvInt(1, 1000)
  FEED_BATCH_SIZE = 200;
}

export function parseFeedSources(spec: string): Array<{ source: string; urls: string[] }> {
  if (!spec) return [];
  return spec.split(',').map((pair) => {
    const [source, urls] = pair.split('=');
    return { source: source.trim(), urls: urls.split('|').map((u) => u.trim().replace(/\/$/, '')) };
  });
}
