import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import PendingPanel from '../src/components/PendingPanel.svelte';
import type { Conflict, PendingChange } from '../src/api/types';

const changes: PendingChange[] = [
  { id: 'o1', accountId: 'a', calendarId: 'c', eventId: 'e1', op: 'create', state: 'pending', error: null, title: 'New thing' },
  {
    id: 'o2',
    accountId: 'a',
    calendarId: 'c',
    eventId: 'e2',
    op: 'update',
    state: 'failed',
    title: 'Broken',
    error: { kind: 'forbidden', message: 'You cannot edit this calendar', retryable: false },
  },
  { id: 'o3', accountId: 'a', calendarId: 'c', eventId: 'e3', op: 'delete', state: 'pushing', error: null, title: '<b>x</b>' },
];
const conflicts: Conflict[] = [
  {
    id: 'k1',
    accountId: 'a',
    calendarId: 'c',
    eventId: 'e4',
    kind: 'both_changed',
    title: 'Offsite',
    fields: [
      { name: 'title', local: 'Offsite (mine)', server: 'Offsite (theirs)' },
      { name: 'location', local: null, server: 'Berlin' },
    ],
  },
];

function show(busy = new Set<string>()) {
  const handlers = { onretry: vi.fn(), ondiscard: vi.fn(), onresolve: vi.fn(), onclose: vi.fn() };
  render(PendingPanel, { props: { changes, conflicts, busyIds: busy, ...handlers } });
  return handlers;
}

describe('PendingPanel', () => {
  it('lists changes with their state and error, as text', () => {
    show();
    const rows = screen.getAllByTestId('pending-change');
    expect(rows.map((r) => r.dataset.state)).toEqual(['pending', 'failed', 'pushing']);
    expect(rows[1].textContent).toContain('Failed');
    expect(screen.getByTestId('pending-error').textContent).toBe('You cannot edit this calendar');
    expect(rows[2].querySelector('b')).toBeNull();
    expect(rows[2].textContent).toContain('<b>x</b>');
  });

  it('retries and discards the right change; a change being pushed cannot be discarded', async () => {
    const h = show();
    const rows = screen.getAllByTestId('pending-change');
    await fireEvent.click(rows[1].querySelector('[data-testid="pending-retry"]')!);
    expect(h.onretry).toHaveBeenCalledWith(changes[1]);
    await fireEvent.click(rows[0].querySelector('[data-testid="pending-discard"]')!);
    expect(h.ondiscard).toHaveBeenCalledWith(changes[0]);
    expect((rows[2].querySelector('[data-testid="pending-discard"]') as HTMLButtonElement).disabled).toBe(true);
    expect(rows[2].querySelector('[data-testid="pending-retry"]')).toBeNull();
  });

  it('shows both sides of a conflict and resolves it three ways', async () => {
    const h = show();
    const fields = screen.getAllByTestId('conflict-field');
    expect(fields[0].textContent).toContain('Offsite (mine)');
    expect(fields[0].textContent).toContain('Offsite (theirs)');
    expect(fields[1].textContent).toContain('—');
    await fireEvent.click(screen.getByTestId('conflict-keep-mine'));
    await fireEvent.click(screen.getByTestId('conflict-keep-theirs'));
    await fireEvent.click(fields[1].querySelector('[data-testid="conflict-reapply"]')!);
    expect(h.onresolve.mock.calls.map((c) => c[1])).toEqual([
      { kind: 'keep_mine' },
      { kind: 'keep_theirs' },
      { kind: 'reapply_field', field: 'location' },
    ]);
  });

  it('disables the buttons of an item in flight', () => {
    show(new Set(['k1', 'o2']));
    expect((screen.getByTestId('conflict-keep-mine') as HTMLButtonElement).disabled).toBe(true);
    const rows = screen.getAllByTestId('pending-change');
    expect((rows[1].querySelector('[data-testid="pending-retry"]') as HTMLButtonElement).disabled).toBe(true);
    expect((rows[0].querySelector('[data-testid="pending-retry"]') as HTMLButtonElement).disabled).toBe(false);
  });
});
