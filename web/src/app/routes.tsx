import { Suspense } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { InvitePage } from '../features/auth/InvitePage';
import { INVITE_PATH } from '../features/auth/invitationLink';
import { BARE_PAGES, DASHBOARD_PAGES, REDIRECTS } from '../features/pages';
import { FullPageSpinner, PublicPage, SignedInGate } from './App';
import { KeepQueryRedirect, NotFoundPage, PageGuard } from './guards';
import { Home, Shell } from './Shell';

/** Every page of the dashboard, its former paths and the not-found page. */
export function appRoutes(): RouteObject[] {
  return [
    ...REDIRECTS.map((redirect) => ({ path: redirect.from, element: <KeepQueryRedirect to={redirect.to} /> })),
    // Public, with or without a session: the page itself deals with an open one.
    {
      path: INVITE_PATH,
      element: (
        <PublicPage>
          <InvitePage />
        </PublicPage>
      ),
    },
    // Full screen and without login: each deals with its own credential (a device's, or none).
    ...BARE_PAGES.map((page) => {
      const Page = page.component;
      return {
        path: page.path,
        element: (
          <Suspense fallback={<FullPageSpinner label="Carregando…" />}>
            <Page />
          </Suspense>
        ),
      };
    }),
    {
      element: <SignedInGate />,
      children: [
        {
          element: <Shell />,
          children: [
            { index: true, element: <Home /> },
            ...DASHBOARD_PAGES.map((page) => {
              const Page = page.component;
              return {
                path: page.subpaths ? `${page.path}/*` : page.path,
                element: (
                  <PageGuard page={page}>
                    <Suspense fallback={<FullPageSpinner label="Carregando…" inline />}>
                      <Page />
                    </Suspense>
                  </PageGuard>
                ),
              };
            }),
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ];
}

export function createAppRouter() {
  return createBrowserRouter(appRoutes());
}
