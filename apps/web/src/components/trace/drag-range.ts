// Drag across an element to choose a horizontal range, reported as fractions of its width.
// Used by the minimap and the time ruler for drag-to-zoom.

export interface DragState {
  from: number;
  to: number;
}

export function dragRange(
  el: HTMLElement | SVGElement,
  onChange: (d: DragState | null) => void,
  onDone: (from: number, to: number) => void,
): (e: PointerEvent) => void {
  return (e: PointerEvent) => {
    if (e.button !== 0) return;
    const box = el.getBoundingClientRect();
    const at = (x: number) => Math.min(1, Math.max(0, (x - box.left) / box.width));
    const from = at(e.clientX);
    let to = from;
    el.setPointerCapture(e.pointerId);
    onChange({ from, to });
    const move = (ev: Event) => {
      to = at((ev as PointerEvent).clientX);
      onChange({ from, to });
    };
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
      onChange(null);
      // A click without a drag is not a zoom (3px of slack for shaky hands).
      if (Math.abs(to - from) * box.width >= 3) onDone(Math.min(from, to), Math.max(from, to));
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
  };
}
