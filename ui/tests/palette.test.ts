import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import CommandPalette from '../src/components/CommandPalette.svelte';
import { gotoCommand, matchCommands, paletteCommands, type PaletteTargets } from '../src/lib/palette';
import { isoDateCommand } from '../src/lib/paletteDates';
import { calendar } from './fakeBackend';

function targets(over: Partial<PaletteTargets> = {}): PaletteTargets {
  return {
    action: vi.fn(),
    toggleCalendar: vi.fn(),
    gotoDate: vi.fn(),
    hasAccounts: () => true,
    ...over,
  };
}

const calendars = [calendar({ id: 'work', summary: 'Work', selected: true }), calendar({ id: 'gym', summary: 'Gym', selected: false })];

describe('palette commands', () => {
  it('offer every action, settings, pending changes and each calendar', () => {
    const labels = paletteCommands(targets(), calendars).map((c) => c.label);
    for (const l of ['New event', 'Today', 'Week view', 'Sync now', 'Settings', 'Pending changes and conflicts', 'Hide Work', 'Show Gym']) {
      expect(labels).toContain(l);
    }
    expect(labels).not.toContain('Command palette');
  });

  it('leave out Sync now without an account', () => {
    const labels = paletteCommands(targets({ hasAccounts: () => false }), calendars).map((c) => c.label);
    expect(labels).not.toContain('Sync now');
  });

  it('match fuzzily, best first', () => {
    const all = paletteCommands(targets(), calendars);
    expect(matchCommands('wk', all)[0].label).toBe('Week view');
    expect(matchCommands('hide wor', all)[0].label).toBe('Hide Work');
    expect(matchCommands('zzzz', all)).toEqual([]);
  });

  it('run what they name', () => {
    const t = targets();
    const all = paletteCommands(t, calendars);
    all.find((c) => c.label === 'Show Gym')!.run();
    expect(t.toggleCalendar).toHaveBeenCalledWith(calendars[1], true);
    all.find((c) => c.label === 'Month view')!.run();
    expect(t.action).toHaveBeenCalledWith({ kind: 'view', view: 'month' });
  });

  it('read an ISO date, and nothing else, as a place to go', () => {
    expect(isoDateCommand('2027-03-01', 'en-US')).toEqual({ iso: '2027-03-01', label: 'Monday, March 1, 2027' });
    expect(isoDateCommand('2027-02-30')).toBeNull();
    expect(isoDateCommand('Room 101')).toBeNull();
  });
});

describe('CommandPalette', () => {
  it('runs the highlighted entry on Enter and closes', async () => {
    const t = targets();
    const onclose = vi.fn();
    render(CommandPalette, { props: { commands: paletteCommands(t, calendars), dateCommand: async () => null, onclose } });
    const input = screen.getByTestId('palette-input');
    await fireEvent.input(input, { target: { value: 'agenda' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(onclose).toHaveBeenCalled();
    expect(t.action).toHaveBeenCalledWith({ kind: 'view', view: 'agenda' });
  });

  it('moves with the arrows and puts a date it reads first', async () => {
    const t = targets();
    const dateCommand = async (q: string) => (q === '2027-03-01' ? gotoCommand('2027-03-01', 'March 1', t) : null);
    render(CommandPalette, { props: { commands: paletteCommands(t, calendars), dateCommand, onclose: vi.fn() } });
    const input = screen.getByTestId('palette-input');
    await fireEvent.input(input, { target: { value: '2027-03-01' } });
    await tick();
    await Promise.resolve();
    await tick();
    const items = screen.getAllByTestId('palette-item');
    expect(items[0].textContent).toContain('Go to March 1');
    expect(items[0].getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(t.gotoDate).toHaveBeenCalledWith('2027-03-01');
  });

  it('keeps the active entry named for assistive technology', async () => {
    render(CommandPalette, { props: { commands: paletteCommands(targets(), calendars), dateCommand: async () => null, onclose: vi.fn() } });
    const input = screen.getByTestId('palette-input');
    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    const second = screen.getAllByTestId('palette-item')[1];
    expect(input.getAttribute('aria-activedescendant')).toBe(second.id);
    expect(second.getAttribute('aria-selected')).toBe('true');
  });
});
