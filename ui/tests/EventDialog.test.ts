import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import EventDialog from '../src/components/EventDialog.svelte';
import { formFromEvent, newEventForm } from '../src/lib/eventForm';
import { GOOGLE_EVENT_COLORS } from '../src/lib/colors';
import { calendar, event } from './fakeBackend';
import type { EventView } from '../src/api/types';

function open(ev: EventView | null, startInEdit = false, extra: Record<string, unknown> = {}) {
  const onsave = vi.fn();
  const ondelete = vi.fn();
  const onclose = vi.fn();
  const onlink = vi.fn();
  const initial = ev
    ? formFromEvent(ev, 'UTC')
    : newEventForm('ada@example.com', 'ada@example.com', '2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z', false, 'UTC');
  render(EventDialog, {
    props: {
      event: ev,
      initial,
      startInEdit,
      calendars: [calendar(), calendar({ id: 'team', summary: 'Team', primary: false })],
      palette: GOOGLE_EVENT_COLORS,
      busy: false,
      timeZones: ['UTC', 'Europe/Berlin'],
      onsave,
      ondelete,
      onclose,
      onlink,
      ...extra,
    },
  });
  return { onsave, ondelete, onclose, onlink };
}

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe('EventDialog — create', () => {
  it('shows inline messages for an empty title and an end before the start, and does not save', async () => {
    const { onsave } = open(null);
    await fireEvent.input(input('event-end-time'), { target: { value: '09:00' } });
    await fireEvent.click(screen.getByTestId('event-save'));
    expect(screen.getByTestId('error-title').textContent).toBe('Title is required');
    expect(screen.getByTestId('error-end').textContent).toBe('End must be after start');
    expect(input('event-title').getAttribute('aria-invalid')).toBe('true');
    expect(onsave).not.toHaveBeenCalled();
  });

  it('saves a valid form with the entered values', async () => {
    const { onsave } = open(null);
    await fireEvent.input(input('event-title'), { target: { value: 'Planning' } });
    await fireEvent.input(input('event-location-input'), { target: { value: 'Room 2' } });
    await fireEvent.click(screen.getByTestId('event-color-11'));
    await fireEvent.click(screen.getByTestId('event-save'));
    expect(onsave).toHaveBeenCalledTimes(1);
    const [form, sendUpdates] = onsave.mock.calls[0];
    expect(form).toMatchObject({
      title: 'Planning',
      location: 'Room 2',
      colorId: '11',
      startDate: '2026-11-25',
      startTime: '10:00',
      endTime: '11:00',
      calendarId: 'ada@example.com',
    });
    expect(sendUpdates).toBeUndefined();
  });

  it('switches to date-only fields for all-day events', async () => {
    open(null);
    expect(screen.queryByTestId('event-start-time')).not.toBeNull();
    await fireEvent.click(screen.getByTestId('event-allday'));
    expect(screen.queryByTestId('event-start-time')).toBeNull();
    expect(screen.queryByTestId('event-timezone')).toBeNull();
  });

  it('shows a server-side field error next to the field', () => {
    open(null, true, { serverError: 'Unknown time zone', serverErrorField: 'timeZone' });
    expect(screen.getByTestId('error-timezone').textContent).toBe('Unknown time zone');
  });
});

describe('EventDialog — existing events', () => {
  it('shows details as text and sanitised description without running anything', () => {
    const w = window as unknown as { pwned?: number };
    delete w.pwned;
    open(
      event({
        title: '<b>not bold</b>',
        location: '<i>x</i>',
        description: 'Hi <script>window.pwned=1</script><img src=x onerror="window.pwned=2"><a href="https://example.org">link</a>',
      }),
    );
    expect(screen.getByTestId('event-dialog-title').textContent).toBe('<b>not bold</b>');
    expect(screen.getByTestId('event-location').textContent).toContain('<i>x</i>');
    const desc = screen.getByTestId('event-description');
    expect(desc.querySelector('script, img')).toBeNull();
    expect(desc.querySelector('a')?.getAttribute('rel')).toContain('noopener');
    expect(w.pwned).toBeUndefined();
  });

  it('routes description links to the system opener', async () => {
    const { onlink } = open(event({ description: '<a href="https://example.org/doc">doc</a>' }));
    await fireEvent.click(screen.getByTestId('event-description').querySelector('a')!);
    expect(onlink).toHaveBeenCalledWith('https://example.org/doc');
  });

  it('asks before deleting, then deletes', async () => {
    const ev = event();
    const { ondelete } = open(ev);
    await fireEvent.click(screen.getByTestId('event-delete'));
    expect(ondelete).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('event-delete-confirm'));
    expect(ondelete).toHaveBeenCalledWith(ev, undefined);
  });

  it('asks whom to notify when the event has guests', async () => {
    const ev = event({ attendees: [{ email: 'bob@example.com' }] });
    const { onsave } = open(ev, true);
    const select = screen.getByTestId('event-send-updates') as HTMLSelectElement;
    expect(select.value).toBe('all');
    await fireEvent.change(select, { target: { value: 'none' } });
    await fireEvent.click(screen.getByTestId('event-save'));
    expect(onsave.mock.calls[0][1]).toBe('none');
  });

  it('disables editing for read-only calendars', () => {
    open(event({ readOnly: true }));
    expect(screen.getByTestId('event-readonly-notice')).toBeTruthy();
    expect(screen.queryByTestId('event-edit')).toBeNull();
    expect(screen.queryByTestId('event-delete')).toBeNull();
  });

  it('marks pending and conflicted events', () => {
    open(event({ pending: true }));
    expect(screen.getByTestId('event-pending-notice')).toBeTruthy();
    expect(screen.queryByTestId('event-conflict-notice')).toBeNull();
  });

  it('opens the edit form with the event values', async () => {
    open(event({ title: 'Standup' }));
    await fireEvent.click(screen.getByTestId('event-edit'));
    expect(input('event-title').value).toBe('Standup');
    expect(input('event-start-time').value).toBe('09:00');
    expect(screen.getByTestId('event-dialog').dataset.mode).toBe('edit');
  });
});
