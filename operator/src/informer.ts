import * as k8s from '@kubernetes/client-node';
import { errorText } from './kube';

export interface InformerOptions<T extends k8s.KubernetesObject> {
  kc: k8s.KubeConfig;
  path: string;
  list: () => Promise<k8s.KubernetesListObject<T>>;
  onChange: (obj: T) => void;
  onDelete: (obj: T) => void;
  /** Full relist this often, even when all is quiet. */
  resyncMs: number;
  /** A watch that delivers nothing for this long is assumed dead and replaced. */
  silenceMs: number;
  log: (message: string) => void;
  onRestart?: () => void;
}

/**
 * client-node's informer, kept alive. Its ListWatch relists on 410 Gone by
 * itself but stops for good on any other error, and a half-open TCP
 * connection never errors at all. Here every error, every silence and every
 * resync period replaces the informer with a fresh one (a full relist from
 * resourceVersion ""), after stopping the old one so no connection leaks.
 */
export class ResilientInformer<T extends k8s.KubernetesObject> {
  private informer: k8s.Informer<T> | undefined;
  private generation = 0;
  private lastActivity = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = true;
  private synced = false;
  /** Restarts so far (errors, silences, resyncs); exposed for tests and metrics. */
  restarts = 0;

  constructor(private readonly o: InformerOptions<T>) {}

  get hasSynced(): boolean {
    return this.synced;
  }

  async start(): Promise<void> {
    this.stopped = false;
    const check = Math.max(250, Math.min(this.o.silenceMs, this.o.resyncMs) / 4);
    this.watchdog = setInterval(() => this.checkHealth(), check);
    this.watchdog.unref();
    await this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.restartTimer);
    const old = this.informer;
    this.informer = undefined;
    await old?.stop();
  }

  private startedAt = Date.now();

  private async open(): Promise<void> {
    const gen = ++this.generation;
    const current = () => gen === this.generation && !this.stopped;
    const touch = () => current() && (this.lastActivity = Date.now());
    // Relisting through our own list function marks the informer synced only after a list succeeded.
    const list = async () => {
      const result = await this.o.list();
      if (current()) {
        this.synced = true;
        this.failures = 0;
        touch();
      }
      return result;
    };
    const inf = k8s.makeInformer<T>(this.o.kc, this.o.path, list);
    inf.on('add', (obj) => current() && (touch(), this.o.onChange(obj)));
    inf.on('update', (obj) => current() && (touch(), this.o.onChange(obj)));
    inf.on('delete', (obj) => current() && (touch(), this.o.onDelete(obj)));
    inf.on('connect', () => touch());
    inf.on('error', (err: unknown) => {
      if (!current()) return;
      this.o.log(`informer ${this.o.path}: ${errorText(err)}; restarting`);
      this.scheduleRestart();
    });
    this.informer = inf;
    this.startedAt = Date.now();
    this.lastActivity = Date.now();
    try {
      await inf.start();
    } catch (err) {
      if (!current()) return;
      this.o.log(
        `informer ${this.o.path} failed to start: ${err instanceof Error ? err.message : String(err)}`,
      );
      this.scheduleRestart();
    }
  }

  private scheduleRestart(): void {
    if (this.stopped || this.restartTimer) return;
    this.failures += 1;
    const delay = Math.min(30_000, 250 * 2 ** Math.min(this.failures - 1, 7));
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, delay);
    this.restartTimer.unref();
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    this.restarts += 1;
    this.o.onRestart?.();
    const old = this.informer;
    this.informer = undefined;
    this.generation++;
    await old?.stop().catch(() => undefined);
    await this.open();
  }

  private checkHealth(): void {
    if (this.stopped || this.restartTimer) return;
    const now = Date.now();
    if (now - this.lastActivity > this.o.silenceMs) {
      this.o.log(`informer ${this.o.path}: silent for ${now - this.lastActivity} ms; restarting`);
      void this.restart();
    } else if (now - this.startedAt > this.o.resyncMs) {
      void this.restart();
    }
  }
}
