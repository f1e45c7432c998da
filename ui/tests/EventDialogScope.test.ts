import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import EventDialog from '../src/components/EventDialog.svelte';
import { formFromEvent } from '../src/lib/eventForm';
import { GOOGLE_EVENT_COLORS } from '../src/lib/colors';
import { calendar, event } from './fakeBackend';
import type { EventView } from '../src/api/types';

const occurrence = event({ id: 'ser1_20261125T090000Z', recurringEventId: 'ser1', title: 'Standup' });

/** Opens the dialog on `ev` with a shell answering `preview_series_edit` with `discarded` and
 * `series_delete_size` with `size` (calls records the previews only). */
function open(ev: EventView, startInEdit: boolean, discarded = 0, size: number | null = 4) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, payload) => {
    if (cmd === 'series_delete_size') return size;
    calls.push({ cmd, args: (payload ?? {}) as Record<string, unknown> });
    if (cmd === 'preview_series_edit') return discarded;
    throw { kind: 'internal', message: `unexpected ${cmd}`, retryable: false };
  });
  const onsave = vi.fn();
  const ondelete = vi.fn();
  render(EventDialog, {
    props: {
      event: ev,
      initial: formFromEvent(ev, 'UTC'),
      startInEdit,
      calendars: [calendar()],
      palette: GOOGLE_EVENT_COLORS,
      busy: false,
      timeZones: ['UTC'],
      onsave,
      ondelete,
      onclose: vi.fn(),
      onlink: vi.fn(),
    },
  });
  return { onsave, ondelete, calls };
}

describe('EventDialog — recurring events', () => {
  it('saves a single event without asking for a scope', async () => {
    const { onsave, calls } = open(event(), true);
    await fireEvent.click(screen.getByTestId('event-save'));
    expect(screen.queryByTestId('scope-chooser')).toBeNull();
    expect(onsave).toHaveBeenCalledTimes(1);
    expect(onsave.mock.calls[0][2]).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('asks which occurrences before saving; "this event" saves at once without a preview', async () => {
    const { onsave, calls } = open(occurrence, true);
    await fireEvent.input(screen.getByTestId('event-title'), { target: { value: 'Standup (room 4)' } });
    await fireEvent.click(screen.getByTestId('event-save'));
    expect(onsave).not.toHaveBeenCalled();
    expect((screen.getByTestId('scope-this') as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    expect(onsave).toHaveBeenCalledTimes(1);
    const [form, , scope] = onsave.mock.calls[0];
    expect(form.title).toBe('Standup (room 4)');
    expect(scope).toBe('this');
    expect(calls).toEqual([]);
    expect(screen.queryByTestId('scope-chooser')).toBeNull();
  });

  it('warns how many changed occurrences "all events" discards and saves on the second confirm', async () => {
    const { onsave, calls } = open(occurrence, true, 2);
    await fireEvent.click(screen.getByTestId('event-save'));
    await fireEvent.click(screen.getByTestId('scope-all'));
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    const warning = await screen.findByTestId('scope-warning');
    expect(warning.textContent?.trim()).toBe('2 changed occurrences will be discarded');
    expect(onsave).not.toHaveBeenCalled();
    expect(calls).toHaveLength(1);
    expect(calls[0].cmd).toBe('preview_series_edit');
    expect(calls[0].args).toMatchObject({
      accountId: occurrence.accountId,
      calendarId: occurrence.calendarId,
      eventId: occurrence.id,
      scope: 'all',
    });
    expect((calls[0].args.input as { title: string }).title).toBe('Standup');

    await fireEvent.click(screen.getByTestId('scope-confirm'));
    expect(onsave).toHaveBeenCalledTimes(1);
    expect(onsave.mock.calls[0][2]).toBe('all');
    expect(calls).toHaveLength(1);
  });

  it('a different scope after a warning asks again', async () => {
    const { onsave, calls } = open(occurrence, true, 1);
    await fireEvent.click(screen.getByTestId('event-save'));
    await fireEvent.click(screen.getByTestId('scope-all'));
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    expect((await screen.findByTestId('scope-warning')).textContent?.trim()).toBe(
      '1 changed occurrence will be discarded',
    );
    await fireEvent.click(screen.getByTestId('scope-following'));
    expect(screen.queryByTestId('scope-warning')).toBeNull();
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    await screen.findByTestId('scope-warning');
    expect(calls.map((c) => c.args.scope)).toEqual(['all', 'thisAndFollowing']);
    expect(onsave).not.toHaveBeenCalled();
  });

  it('deletes "this and following" after a preview with nothing to discard', async () => {
    const { ondelete, calls } = open(occurrence, false, 0);
    expect(screen.getByTestId('event-recurring')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('event-delete'));
    expect(screen.queryByTestId('event-delete-confirm')).toBeNull();
    await fireEvent.click(screen.getByTestId('scope-following'));
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    await waitFor(() => expect(ondelete).toHaveBeenCalledTimes(1));
    const [ev, , scope] = ondelete.mock.calls[0];
    expect(ev.id).toBe(occurrence.id);
    expect(scope).toBe('thisAndFollowing');
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toMatchObject({ input: null, scope: 'thisAndFollowing' });
    expect(screen.queryByTestId('scope-warning')).toBeNull();
  });

  it('deleting a long series asks once more, with its size', async () => {
    const { ondelete } = open(occurrence, false, 0, 52);
    await fireEvent.click(screen.getByTestId('event-delete'));
    await fireEvent.click(screen.getByTestId('scope-all'));
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    expect((await screen.findByTestId('scope-bulk-warning')).textContent).toContain('This deletes 52 occurrences');
    expect(ondelete).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    await waitFor(() => expect(ondelete).toHaveBeenCalledTimes(1));
    expect(ondelete.mock.calls[0][2]).toBe('all');
  });

  it('shows a failed preview and does not delete', async () => {
    const { ondelete } = open(occurrence, false);
    mockIPC(() => {
      throw { kind: 'not_found', message: 'this event is gone', retryable: false };
    });
    await fireEvent.click(screen.getByTestId('event-delete'));
    await fireEvent.click(screen.getByTestId('scope-all'));
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    expect((await screen.findByTestId('scope-error')).textContent).toBe('this event is gone');
    expect(ondelete).not.toHaveBeenCalled();
  });

  it('cancel closes the chooser without saving', async () => {
    const { onsave } = open(occurrence, true);
    await fireEvent.click(screen.getByTestId('event-save'));
    await fireEvent.click(screen.getByTestId('scope-cancel'));
    expect(screen.queryByTestId('scope-chooser')).toBeNull();
    expect(onsave).not.toHaveBeenCalled();
  });
});
