// Event descriptions come from Google and may hold HTML written by anyone who can invite the
// user. They are sanitised with an allow-list and handed to the page as DOM nodes built by
// DOMPurify in an inert document — never assigned to innerHTML of the live page.

import createDOMPurify, { type Config } from 'dompurify';

const ALLOWED_TAGS = ['a', 'b', 'strong', 'i', 'em', 'u', 'br', 'p', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre'];
const SAFE_URL = /^(?:https?:|mailto:)/i;

const CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR: ['href'],
  ALLOWED_URI_REGEXP: SAFE_URL,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  KEEP_CONTENT: true,
  // Content of these is dropped with the element, not kept as text.
  FORBID_CONTENTS: ['script', 'style', 'template', 'noscript', 'iframe', 'object', 'svg', 'math', 'title'],
};

let purifier: ReturnType<typeof createDOMPurify> | null = null;

function instance() {
  if (purifier) return purifier;
  const p = createDOMPurify(window);
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_URL.test(href.trim())) node.removeAttribute('href');
      // Links never navigate the webview; clicks are routed to the system browser.
      node.setAttribute('rel', 'noopener noreferrer nofollow');
      node.setAttribute('target', '_blank');
    }
  });
  purifier = p;
  return p;
}

/** True when the text holds markup worth parsing (Google stores both plain text and HTML). */
export function looksLikeHtml(text: string): boolean {
  return /<\/?[a-z][\s\S]*?>/i.test(text) || /&(?:[a-z]+|#\d+);/i.test(text);
}

/** The sanitised description as a detached fragment, ready to append. */
export function sanitizeToFragment(html: string): DocumentFragment {
  return instance().sanitize(html, { ...CONFIG, RETURN_DOM_FRAGMENT: true }) as DocumentFragment;
}

/** The sanitised description as a string (used by tests and for length checks). */
export function sanitizeToString(html: string): string {
  return instance().sanitize(html, { ...CONFIG }) as string;
}

/** Fills `target` with the description: plain text as text, HTML through the sanitiser. */
export function renderDescription(target: HTMLElement, text: string | null | undefined): void {
  target.replaceChildren();
  if (!text) return;
  if (looksLikeHtml(text)) {
    target.append(document.importNode(sanitizeToFragment(text), true));
  } else {
    target.append(document.createTextNode(text));
  }
}

/** The http(s)/mailto URL a click inside a description should open, if any. */
export function linkTarget(event: MouseEvent): string | null {
  const el = (event.target as Element | null)?.closest?.('a[href]');
  if (!el) return null;
  const href = el.getAttribute('href') ?? '';
  return SAFE_URL.test(href.trim()) ? href.trim() : null;
}

/** The description as plain text for the edit form (HTML reduced to its text, breaks kept). */
export function htmlToPlainText(text: string | null | undefined): string {
  if (!text) return '';
  if (!looksLikeHtml(text)) return text;
  const frag = sanitizeToFragment(text);
  frag.querySelectorAll('br').forEach((br) => br.replaceWith('\n'));
  // Keep link targets: the form edits plain text, and a link's address is part of its meaning.
  frag.querySelectorAll('a[href]').forEach((a) => {
    const href = a.getAttribute('href') ?? '';
    const text = (a.textContent ?? '').trim();
    if (href && text !== href && `mailto:${text}` !== href) a.append(` (${href})`);
  });
  frag.querySelectorAll('p, li, blockquote, pre, ul, ol').forEach((el) => {
    el.before('\n');
    el.append('\n');
  });
  return (frag.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}
