import { mount } from 'svelte';
import App from './App.svelte';
import './styles/app.css';
import { resolveTheme, systemDark } from './lib/theme';

// The desktop's shade until the settings are read, so the first frame is not the other one.
document.documentElement.dataset.theme = resolveTheme(null, systemDark());

const target = document.getElementById('app');
if (!target) throw new Error('#app missing from index.html');

export default mount(App, { target });
