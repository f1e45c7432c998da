import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import Sidebar from '../src/components/Sidebar.svelte';
import { calendar } from './fakeBackend';

const LONG_ACCOUNT = 'ada.lovelace.analytical.engine.department@very-long-example-domain.example.com';
const LONG_NAME = 'Difference Engine No. 2 — reconstruction schedule, Science Museum, London (shared)';

describe('Sidebar', () => {
  it('shows long account and calendar names with their whole text in a tooltip', () => {
    render(Sidebar, {
      accounts: [{ id: LONG_ACCOUNT, status: 'connected', lastSyncAt: null }],
      calendars: [calendar({ accountId: LONG_ACCOUNT, id: 'c1', summary: LONG_NAME })],
      connecting: false,
      onconnect: () => {},
      onreconnect: () => {},
      ondisconnect: () => {},
      ontoggle: () => {},
      oncolor: () => {},
    });
    const email = screen.getByText(LONG_ACCOUNT);
    expect(email.getAttribute('title')).toBe(LONG_ACCOUNT);
    const name = screen.getByText(LONG_NAME);
    expect(name.getAttribute('title')).toBe(LONG_NAME);
  });
});
