import { mount } from 'svelte';
import App from './components/App.svelte';
import { pickTransport } from './lib/api.js';
import { session } from './lib/session.svelte.js';
import './styles/app.css';

function localStorageIfAllowed(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled by the user
  }
}

session.start(pickTransport(window), {
  storage: localStorageIfAllowed(),
  location: window.location,
  history: window.history,
});

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');
mount(App, { target });
