// Keyboard focus for modal dialogs: move focus in on open, keep Tab inside, give it back on close.

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function dialogFocus(node: HTMLElement) {
  const previous = document.activeElement as HTMLElement | null;
  if (!node.hasAttribute('tabindex')) node.tabIndex = -1;
  queueMicrotask(() => {
    if (!node.contains(document.activeElement)) {
      const first = node.querySelector<HTMLElement>('[autofocus]') ?? node;
      first.focus();
    }
  });

  function onkeydown(e: KeyboardEvent) {
    if (e.key !== 'Tab') return;
    const items = Array.from(node.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || document.activeElement === node)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }
  node.addEventListener('keydown', onkeydown);

  return {
    destroy() {
      node.removeEventListener('keydown', onkeydown);
      if (previous && previous.isConnected) previous.focus();
    },
  };
}
