import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { FakeBackend, emptyWorld } from './fakeBackend';

const lostKey = {
  kind: 'data_key_missing' as const,
  message: 'the data key of the local copy is not in the keyring; nothing was changed',
  retryable: false,
};

function lostKeyWorld() {
  const backend = new FakeBackend(emptyWorld({ info: { demo: false, version: '0.1.0', startupError: lostKey } }));
  backend.overrides.list_accounts = () => {
    throw lostKey;
  };
  backend.overrides.local_reset_preview = () => ({ unsentChanges: 2, conflicts: 1, events: 340 });
  backend.overrides.reset_local_copy = () => ({ unsentChanges: 2, conflicts: 1, events: 340 });
  return backend;
}

describe('a local copy whose data key is lost', () => {
  it('says so, and resets only after showing what is lost and a confirmation', async () => {
    const backend = lostKeyWorld();
    render(App);
    const message = await screen.findByTestId('store-recovery-message');
    expect(message.textContent).toContain('not in the keyring');
    expect(backend.callsOf('local_reset_preview')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('store-recovery-start'));
    const preview = await screen.findByTestId('store-recovery-preview');
    expect(preview.textContent).toContain('2 unsent change(s)');
    expect(preview.textContent).toContain('1 open conflict(s)');
    expect(preview.textContent).toContain('340 event(s)');
    // Asking what a reset loses changes nothing.
    expect(backend.callsOf('reset_local_copy')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('store-recovery-cancel'));
    expect(screen.queryByTestId('store-recovery-preview')).toBeNull();
    expect(backend.callsOf('reset_local_copy')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('store-recovery-start'));
    await fireEvent.click(await screen.findByTestId('store-recovery-confirm'));
    await waitFor(() => expect(backend.callsOf('reset_local_copy')).toHaveLength(1));
    expect(backend.callsOf('reset_local_copy')[0].args).toEqual({ confirm: true });
    expect((await screen.findByTestId('store-recovery-done')).textContent).toContain('starting again');
  });

  it('is not offered for other start-up errors', async () => {
    const backend = new FakeBackend(
      emptyWorld({
        info: { demo: false, version: '0.1.0', startupError: { kind: 'keyring_unavailable', message: 'locked', retryable: false } },
      }),
    );
    render(App);
    await waitFor(() => expect(backend.callsOf('app_info').length).toBe(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('store-recovery')).toBeNull();
  });
});
