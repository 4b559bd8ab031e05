/**
 * A product picture drawn locally: the demo catalog's image URLs point at a host this
 * machine cannot reach. Fixed width/height and aspect ratio, so nothing shifts as it loads.
 */
export function ProductArt({ slug, name, size = 320 }: { slug: string; name: string; size?: number }) {
  let hash = 0;
  for (const ch of slug) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  const initials = name
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size * 0.75}" viewBox="0 0 400 300"><rect width="400" height="300" fill="hsl(${hue} 45% 88%)"/><circle cx="${120 + (hash % 160)}" cy="150" r="90" fill="hsl(${(hue + 40) % 360} 40% 70%)"/><text x="200" y="175" font-family="sans-serif" font-size="72" text-anchor="middle" fill="hsl(${hue} 50% 22%)">${initials}</text></svg>`;
  return (
    <img
      src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`}
      alt={`Picture of ${name}`}
      width={size}
      height={Math.round(size * 0.75)}
      sizes={`(max-width: 40rem) 100vw, ${size}px`}
      style={{ aspectRatio: '4 / 3', width: '100%', height: 'auto', borderRadius: 8 }}
    />
  );
}
