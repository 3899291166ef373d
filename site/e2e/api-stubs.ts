// The runner's answers stubbed for browser tests, typed by the API contract: a stub whose
// body no longer fits what the runner answers at that address fails the type check
// instead of testing the page against answers the runner never gives.
import type { Page, Request } from 'playwright-core';
import {
  API,
  CLUSTER_STATUS_EVENT,
  labPath,
  labScopePath,
  stepPath,
  type ApiError,
  type CheckResponse,
  type ClassProgressResponse,
  type ClusterStatusEvent,
  type LabProgressView,
  type LabScopeResponse,
  type ProgressResponse,
} from '../../runner/http/contract.ts';

/** What the stubbed runner answers: the address's body, a German error with its status,
 * or no connection at all. */
export type StubAnswer<T> = { status?: 200; json: T } | { status: number; json: ApiError } | 'connection-refused';

type Answer<T> = StubAnswer<T> | ((request: Request) => StubAnswer<T> | Promise<StubAnswer<T>>);

async function stub<T>(page: Page, path: string, answer: Answer<T>): Promise<void> {
  await page.route(`**${path}`, async (route) => {
    const given = typeof answer === 'function' ? await answer(route.request()) : answer;
    if (given === 'connection-refused') return route.abort('connectionrefused');
    return route.fulfill({ status: given.status ?? 200, json: given.json });
  });
}

export const stubApi = {
  labProgress: (page: Page, lab: string, answer: Answer<LabProgressView>) => stub(page, labPath(lab), answer),
  labScope: (page: Page, lab: string, answer: Answer<LabScopeResponse>) => stub(page, labScopePath(lab, 'scope'), answer),
  labStart: (page: Page, lab: string, answer: Answer<LabScopeResponse>) => stub(page, labScopePath(lab, 'start'), answer),
  check: (page: Page, lab: string, step: string, answer: Answer<CheckResponse>) => stub(page, stepPath(lab, step, 'check'), answer),
  progress: (page: Page, answer: Answer<ProgressResponse>) => stub(page, API.progress, answer),
  classProgress: (page: Page, answer: Answer<ClassProgressResponse>) => stub(page, API.classProgress, answer),
  /** One status event on the cluster's event stream. */
  clusterEvents: (page: Page, status: ClusterStatusEvent) =>
    page.route(`**${API.clusterEvents}`, (route) =>
      route.fulfill({ headers: { 'Content-Type': 'text/event-stream' }, body: `event: ${CLUSTER_STATUS_EVENT}\ndata: ${JSON.stringify(status)}\n\n` }),
    ),
};
