import { setLogDestination } from '@ha-shop/service-kit';
import { Writable } from 'node:stream';

/** Collects what services log (pino JSON lines) instead of writing it to stdout. */
export class LogCapture {
  readonly chunks: string[] = [];
  private readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      this.chunks.push(chunk.toString('utf8'));
      done();
    },
  });

  /** Services created after this call log here. */
  install(): this {
    setLogDestination(this.stream as unknown as Parameters<typeof setLogDestination>[0]);
    return this;
  }

  uninstall(): void {
    setLogDestination(undefined);
  }

  get text(): string {
    return this.chunks.join('');
  }

  lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
