// Jaeger's trace-page keyboard shortcuts. Typing in a text box is left alone, except Escape
// (clears find) and ctrl+b (focuses find), which work from anywhere.
import type { TraceView } from '../../state/trace-view.svelte.ts';

export interface KeyTargets {
  view: TraceView;
  focusFind(): void;
  scrollBy(px: number): void;
  toggleHelp(): void;
  closeHelp(): void;
}

export const SHORTCUTS: ReadonlyArray<[string, string]> = [
  ['w / s', 'Scroll up / down'],
  ['f / b', 'Next / previous span'],
  ['a, ← / d, →', 'Pan left / right (shift: further)'],
  ['↑ / ↓', 'Zoom in / out (shift: more)'],
  ['[ / ]', 'Expand all / collapse all'],
  ['o / p', 'Expand / collapse one level'],
  ['ctrl+b', 'Find in trace'],
  ['esc', 'Clear find, close panels'],
  ['?', 'Show these shortcuts'],
];

const ROW_STEP = 26 * 3;

export function handleTraceKey(e: KeyboardEvent, t: KeyTargets): void {
  const el = e.target as HTMLElement | null;
  const typing = !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
  if (e.ctrlKey && e.key.toLowerCase() === 'b') {
    e.preventDefault();
    t.focusFind();
    return;
  }
  if (e.key === 'Escape') {
    t.closeHelp();
    if (t.view.findText) t.view.setFind('');
    if (typing) el?.blur();
    return;
  }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const big = e.shiftKey;
  const v = t.view;
  const actions: Record<string, () => void> = {
    w: () => t.scrollBy(-ROW_STEP),
    s: () => t.scrollBy(ROW_STEP),
    f: () => v.step(1),
    b: () => v.step(-1),
    a: () => v.pan(big ? -0.5 : -0.1),
    ArrowLeft: () => v.pan(big ? -0.5 : -0.1),
    d: () => v.pan(big ? 0.5 : 0.1),
    ArrowRight: () => v.pan(big ? 0.5 : 0.1),
    ArrowUp: () => v.zoomBy(big ? 0.5 : 0.8),
    ArrowDown: () => v.zoomBy(big ? 2 : 1.25),
    '[': () => v.expandAll(),
    ']': () => v.collapseAll(),
    o: () => v.expandOne(),
    p: () => v.collapseOne(),
    '?': () => t.toggleHelp(),
  };
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const act = actions[key] ?? (e.key === '?' ? actions['?'] : undefined);
  if (!act) return;
  e.preventDefault();
  act();
}
