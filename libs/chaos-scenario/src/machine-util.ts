// Small helpers shared by the state machine's files.
export const iso = (ms: number) => new Date(ms).toISOString();
export const clone = <T>(x: T): T => structuredClone(x);

export function names(probes: { name: string; lastMessage?: string }[]): string {
  return probes.map((p) => `${p.name} (${p.lastMessage ?? 'no message'})`).join(', ');
}
