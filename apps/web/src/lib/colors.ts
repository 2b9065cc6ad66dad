// One colour per service. Handed out in the order services are first seen during the session
// (as Jaeger does) rather than hashed from the name, so the first twenty services never share a
// colour. Each slot has a light-theme and a dark-theme shade of the same hue.

const LIGHT = [
  '#1f6fd1', '#c2410c', '#15803d', '#9333ea', '#0e7490', '#b91c5c', '#4d7c0f', '#a16207', '#4338ca', '#be123c',
  '#0f766e', '#7c3aed', '#c026d3', '#2563eb', '#65a30d', '#ea580c', '#0891b2', '#db2777', '#57534e', '#0369a1',
];
const DARK = [
  '#5b9cf0', '#f0864d', '#4cc97a', '#b98af5', '#3cbfd8', '#ef6fa0', '#97cc4a', '#e0b341', '#8b8cf5', '#f4708a',
  '#36c2b1', '#a78bfa', '#e27be9', '#6a9ef8', '#a6d45a', '#f79b5c', '#4fc6e0', '#f07ab0', '#b3aca7', '#4aa8e0',
];

const slots = new Map<string, number>();

/** The palette slot of a service (stable for the session). */
export function serviceSlot(service: string): number {
  let s = slots.get(service);
  if (s === undefined) {
    s = slots.size % LIGHT.length;
    slots.set(service, s);
  }
  return s;
}

/** The colour of a service in the given theme. */
export function serviceColor(service: string, theme: 'light' | 'dark'): string {
  return (theme === 'dark' ? DARK : LIGHT)[serviceSlot(service)];
}

/** CSS custom properties for both themes' palettes, to put on the document root. */
export function paletteCss(): string {
  const light = LIGHT.map((c, i) => `--svc-${i}: ${c};`).join(' ');
  const dark = DARK.map((c, i) => `--svc-${i}: ${c};`).join(' ');
  return `:root { ${light} } :root[data-theme='dark'] { ${dark} }`;
}
