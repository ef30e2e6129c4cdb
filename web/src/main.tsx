import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { AppProviders } from './app/providers';
import { createAppRouter } from './app/routes';
import { createSessionTransport, Session } from './lib/session';
import { createAppClient } from './lib/trpc';
import './styles.css';

const session = new Session(createSessionTransport());
const { client } = createAppClient(session);
void session.restore();
const router = createAppRouter();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProviders session={session} client={client}>
      <RouterProvider router={router} />
    </AppProviders>
  </StrictMode>,
);
