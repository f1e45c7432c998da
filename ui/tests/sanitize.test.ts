import { describe, expect, it } from 'vitest';
import { htmlToPlainText, linkTarget, looksLikeHtml, renderDescription, sanitizeToString } from '../src/lib/sanitize';

describe('description sanitiser', () => {
  it('drops scripts with their content', () => {
    const out = sanitizeToString('Hi<script>window.pwned = 1</script> there');
    expect(out).not.toMatch(/script/i);
    expect(out).not.toMatch(/pwned/);
    expect(out).toContain('Hi');
  });

  it('drops images and their event handlers', () => {
    const out = sanitizeToString('<img src=x onerror="window.pwned=1">after');
    expect(out).not.toMatch(/<img/i);
    expect(out).not.toMatch(/onerror/i);
    expect(out).toBe('after');
  });

  it('removes javascript: and data: links but keeps the text', () => {
    const out = sanitizeToString('<a href="javascript:alert(1)">click</a> <a href="data:text/html,x">d</a>');
    expect(out).not.toMatch(/javascript:/i);
    expect(out).not.toMatch(/data:/i);
    expect(out).toContain('click');
    expect(out).toContain('d');
  });

  it('removes style attributes, style elements and event handlers on allowed tags', () => {
    const out = sanitizeToString(
      '<style>body{display:none}</style><b style="color:red" onclick="x()" class="c" id="i">bold</b>',
    );
    expect(out).toBe('<b>bold</b>');
  });

  it('keeps the allowed formatting and safe links, marked noopener', () => {
    const out = sanitizeToString(
      '<p>One <strong>two</strong> <em>three</em> <u>four</u><br><ul><li>five</li></ul>' +
        '<a href="https://example.org/x?a=1">six</a> <a href="mailto:ada@example.com">mail</a></p>',
    );
    expect(out).toContain('<strong>two</strong>');
    expect(out).toContain('<em>three</em>');
    expect(out).toContain('<u>four</u>');
    expect(out).toContain('<br>');
    expect(out).toContain('<li>five</li>');
    expect(out).toMatch(/<a href="https:\/\/example.org\/x\?a=1" rel="noopener noreferrer nofollow" target="_blank">six<\/a>/);
    expect(out).toContain('href="mailto:ada@example.com"');
  });

  it('drops iframes, forms, svg and unknown tags', () => {
    const out = sanitizeToString(
      '<iframe src="https://evil"></iframe><form action="x"><input></form><svg onload="x()"><circle/></svg><marquee>m</marquee>',
    );
    expect(out).not.toMatch(/iframe|form|input|svg|marquee|onload/i);
  });
});

describe('renderDescription', () => {
  it('renders plain text as text, markup characters included', () => {
    const el = document.createElement('div');
    renderDescription(el, 'a < b and b > c');
    expect(el.textContent).toBe('a < b and b > c');
    expect(el.children.length).toBe(0);
  });

  it('builds DOM for HTML without images or scripts and without running handlers', () => {
    const w = window as unknown as { pwned?: number };
    delete w.pwned;
    const el = document.createElement('div');
    document.body.append(el);
    renderDescription(el, '<b>hi</b><img src=x onerror="window.pwned=1"><script>window.pwned=2</script>');
    expect(el.querySelector('b')?.textContent).toBe('hi');
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('script')).toBeNull();
    expect(w.pwned).toBeUndefined();
    el.remove();
  });

  it('clears previous content and handles empty descriptions', () => {
    const el = document.createElement('div');
    renderDescription(el, 'first');
    renderDescription(el, null);
    expect(el.childNodes.length).toBe(0);
  });
});

describe('helpers', () => {
  it('tells HTML from plain text', () => {
    expect(looksLikeHtml('plain words')).toBe(false);
    expect(looksLikeHtml('x<br>y')).toBe(true);
    expect(looksLikeHtml('Tom &amp; Jerry')).toBe(true);
  });

  it('turns HTML into plain text with line breaks', () => {
    expect(htmlToPlainText('one<br>two<p>three</p><script>x</script>')).toBe('one\ntwo\nthree');
    expect(htmlToPlainText('just text')).toBe('just text');
    expect(htmlToPlainText('<a href="https://example.org/doc">the doc</a>')).toBe('the doc (https://example.org/doc)');
    expect(htmlToPlainText('<a href="https://example.org/">https://example.org/</a>')).toBe('https://example.org/');
    expect(htmlToPlainText(null)).toBe('');
  });

  it('only opens http(s) and mailto links', () => {
    const a = document.createElement('a');
    a.setAttribute('href', 'https://example.org');
    expect(linkTarget({ target: a } as unknown as MouseEvent)).toBe('https://example.org');
    a.setAttribute('href', 'javascript:alert(1)');
    expect(linkTarget({ target: a } as unknown as MouseEvent)).toBeNull();
  });
});
