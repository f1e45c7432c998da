import { describe, expect, it } from 'vitest';
import {
  decorateFcMoreLink,
  decorateMoreElement,
  isMonthRange,
  moreContentNodes,
  moreEntry,
  moreLabel,
  moreOf,
} from '../src/lib/monthMore';

describe('month grid "+N more"', () => {
  it('names the count and the day for assistive technology', () => {
    expect(moreLabel({ date: '2026-12-05', hidden: 3 })).toBe('+3 more events on 5 December');
    expect(moreLabel({ date: '2027-01-31', hidden: 1 })).toBe('+1 more event on 31 January');
  });

  it('tells a month range from a week or a day, across a clock change too', () => {
    const at = (s: string) => new Date(s);
    expect(isMonthRange(at('2026-11-30T00:00:00Z'), at('2027-01-11T00:00:00Z'))).toBe(true);
    expect(isMonthRange(at('2027-03-22T00:00:00+01:00'), at('2027-03-29T00:00:00+02:00'))).toBe(false);
    expect(isMonthRange(at('2026-12-05T00:00:00Z'), at('2026-12-06T00:00:00Z'))).toBe(false);
  });

  it('is a non-editable all-day entry of its day that real events are never taken for', () => {
    const more = { date: '2026-12-05', hidden: 3 };
    const entry = moreEntry(more);
    expect(entry).toMatchObject({ start: '2026-12-05', allDay: true, editable: false });
    expect(moreOf(entry.extendedProps as Record<string, unknown>)).toEqual(more);
    expect(moreOf({ view: { id: 'e1' } })).toBeNull();
  });

  it('is a focusable button with text nodes only', () => {
    const more = { date: '2026-12-05', hidden: 2 };
    const el = document.createElement('a');
    decorateMoreElement(el, more);
    expect(el.tabIndex).toBe(0);
    expect(el.getAttribute('role')).toBe('button');
    expect(el.dataset.testid).toBe('more-events');
    expect(el.getAttribute('aria-label')).toBe('+2 more events on 5 December');
    const [node] = moreContentNodes(more);
    expect(node.textContent).toBe('+2 more');
    expect((node as HTMLElement).children).toHaveLength(0);
  });
  it("makes FullCalendar's own link a button, so its aria-expanded is allowed", () => {
    const a = document.createElement('a');
    a.setAttribute('aria-expanded', 'false');
    decorateFcMoreLink(a);
    expect(a.getAttribute('role')).toBe('button');
    expect(a.tabIndex).toBe(0);
  });
});
