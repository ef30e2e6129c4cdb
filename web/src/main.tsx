import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { AppProviders } from './app/providers';
import { createSessionTransport, Session } from './lib/session';
import { createAppClient } from './lib/trpc';
import './styles.css';

const session = new Session(createSessionTransport());
const { client } = createAppClient(session);
void session.restore();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProviders session={session} client={client}>
      <App />
    </AppProviders>
  </StrictMode>,
);
