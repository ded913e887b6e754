import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ReauthenticationProvider } from './components/reauthentication';
import { SessionProvider } from './session/session-context';
import './styles/base.css';
import './styles/forms.css';
import './styles/layout.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html must contain <div id="root">.');

createRoot(container).render(
  <StrictMode>
    <SessionProvider>
      <ReauthenticationProvider>
        <App />
      </ReauthenticationProvider>
    </SessionProvider>
  </StrictMode>,
);
