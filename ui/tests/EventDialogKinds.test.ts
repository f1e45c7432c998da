import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import EventDialog from '../src/components/EventDialog.svelte';
import { formFromEvent } from '../src/lib/eventForm';
import { GOOGLE_EVENT_COLORS } from '../src/lib/colors';
import { calendar, event } from './fakeBackend';
import type { EventView } from '../src/api/types';

function open(ev: EventView, startInEdit = false) {
  const onlink = vi.fn();
  const onaddmeet = vi.fn();
  const onsave = vi.fn();
  render(EventDialog, {
    props: {
      event: ev,
      initial: formFromEvent(ev, 'UTC'),
      startInEdit,
      calendars: [calendar(), calendar({ id: 'team', summary: 'Team', primary: false })],
      palette: GOOGLE_EVENT_COLORS,
      busy: false,
      timeZones: ['UTC'],
      onsave,
      ondelete: vi.fn(),
      onclose: vi.fn(),
      onlink,
      onaddmeet,
    },
  });
  return { onlink, onaddmeet, onsave };
}

const locked = { title: false, description: false, location: false, time: false, guests: false, reminders: true, color: true };
const gmail = () =>
  event({
    title: 'Flight to Lisbon',
    eventType: 'fromGmail',
    editable: locked,
    lockedReason: 'Gmail added this event from an email: Google lets you change only its colour and reminders',
    canMove: false,
  });
const el = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe('EventDialog — event kinds', () => {
  it("marks a Gmail event and locks the fields Google does not let change, saying why", () => {
    open(gmail(), true);
    expect(el('event-locked-reason').textContent).toMatch(/only its colour and reminders/);
    expect(el('event-title').disabled).toBe(true);
    expect(el('event-start-date').disabled).toBe(true);
    expect(el('event-location-input').disabled).toBe(true);
    expect((screen.getByTestId('event-calendar') as HTMLSelectElement).disabled).toBe(true);
    expect((el('event-color-default').closest('fieldset') as HTMLFieldSetElement).disabled).toBe(false);
    expect((el('event-save') as unknown as HTMLButtonElement).disabled).toBe(false);
  });

  it('says From Gmail in the details', () => {
    open(gmail());
    expect(screen.getByTestId('event-kind').textContent).toMatch(/From Gmail/);
  });

  it('offers moving to another calendar for ordinary events only', () => {
    open(event(), true);
    expect((screen.getByTestId('event-calendar') as HTMLSelectElement).disabled).toBe(false);
    expect(screen.queryByTestId('event-locked-reason')).toBeNull();
  });

  it('shows the auto-decline message of focus time and the birthday mark', () => {
    open(
      event({
        eventType: 'focusTime',
        autoDecline: { mode: 'declineOnlyNewConflictingInvitations', message: 'In focus time' },
      }),
    );
    expect(screen.getByTestId('event-kind').textContent).toMatch(/Focus time/);
    expect(screen.getByTestId('event-auto-decline').textContent).toMatch(/Declines new invitations[\s\S]*In focus time/);
  });

  it('hides Delete and Edit for an event of a kind Chronos does not know', () => {
    const none = { title: false, description: false, location: false, time: false, guests: false, reminders: false, color: false };
    open(event({ eventType: 'travelTime', editable: none, canDelete: false, canMove: false, lockedReason: 'unknown kind' }));
    expect(screen.queryByTestId('event-delete')).toBeNull();
    expect(screen.queryByTestId('event-edit')).toBeNull();
    expect(screen.getByTestId('event-kind').textContent).toMatch(/travelTime/);
  });

  it('joins a call in the system browser', async () => {
    const { onlink } = open(
      event({ conference: { joinUrl: 'https://meet.google.com/abc-defg-hij', solution: 'Google Meet', pending: false, failed: false } }),
    );
    await fireEvent.click(screen.getByTestId('event-join'));
    expect(onlink).toHaveBeenCalledWith('https://meet.google.com/abc-defg-hij');
    expect(screen.getByTestId('event-join').textContent).toMatch(/Join Google Meet/);
    expect(screen.queryByTestId('event-add-meet')).toBeNull();
  });

  it('adds Google Meet where offered and shows the link pending', async () => {
    const ev = event({ canAddMeet: true });
    const { onaddmeet } = open(ev);
    await fireEvent.click(screen.getByTestId('event-add-meet'));
    expect(onaddmeet).toHaveBeenCalledWith(ev);
  });

  it('says a Meet link is pending until it comes', () => {
    open(event({ conference: { joinUrl: null, solution: 'Google Meet', pending: true, failed: false } }));
    expect(screen.getByTestId('event-meet-pending').textContent).toBe('Meet link pending…');
    expect(screen.queryByTestId('event-join')).toBeNull();
  });

  it('shows attachments as links opened outside', async () => {
    const { onlink } = open(event({ attachments: [{ title: 'Agenda', fileUrl: 'https://drive.google.com/x' }] }));
    await fireEvent.click(screen.getByText(/Agenda/));
    expect(onlink).toHaveBeenCalledWith('https://drive.google.com/x');
  });
});
