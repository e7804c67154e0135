import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdjustableClock } from '../../../server/src/core/engine/engineClock';
import { createStudioAdminRoute } from '../../../server/src/http/studioAdminRoutes';

const fixed = { now: () => new Date('2026-05-01T00:00:00Z') };

function call(route: ReturnType<typeof createStudioAdminRoute>, method: string, path: string, body = '') {
  return route({ method, path, headers: {}, body: Buffer.from(body) });
}

describe('studio admin routes', () => {
  it('reports and advances the engine clock by a duration or to an instant', async () => {
    const clock = new AdjustableClock(0, fixed);
    const route = createStudioAdminRoute(clock);
    const state = await call(route, 'GET', '/_studio/clock');
    assert.deepEqual(JSON.parse(state!.body.toString()), { now: '2026-05-01T00:00:00.000Z', offsetMs: 0 });
    const advanced = await call(route, 'POST', '/_studio/clock', '{"advance":"30d"}');
    assert.equal(advanced!.statusCode, 200);
    assert.equal(JSON.parse(advanced!.body.toString()).now, '2026-05-31T00:00:00.000Z');
    await call(route, 'POST', '/_studio/clock', '{"to":"2026-06-01T12:00:00Z"}');
    assert.equal(clock.now().toISOString(), '2026-06-01T12:00:00.000Z');
  });

  it('refuses to move the clock backwards or by nonsense, with a reason', async () => {
    const clock = new AdjustableClock(0, fixed);
    const route = createStudioAdminRoute(clock);
    for (const body of ['{"to":"2020-01-01T00:00:00Z"}', '{"advance":"soon"}', '{}', 'not json']) {
      const answer = await call(route, 'POST', '/_studio/clock', body);
      assert.equal(answer!.statusCode, 400, body);
      assert.ok(JSON.parse(answer!.body.toString()).error);
    }
    assert.equal(clock.offset, 0);
  });

  it('refuses an advance past the clock\'s bound without moving it, and keeps answering', async () => {
    const clock = new AdjustableClock(0, fixed);
    const route = createStudioAdminRoute(clock);
    for (const body of ['{"advance":"100000000d"}', '{"advance":"36600d"}', `{"advance":"${'9'.repeat(400)}d"}`, '{"to":"+275760-09-13T00:00:00Z"}']) {
      const answer = await call(route, 'POST', '/_studio/clock', body);
      assert.equal(answer!.statusCode, 400, body);
      assert.match(JSON.parse(answer!.body.toString()).error, /100 years|forward|duration|ISO/, body);
      assert.equal(clock.offset, 0, body);
    }
    const state = await call(route, 'GET', '/_studio/clock');
    assert.equal(state!.statusCode, 200);
    assert.equal(JSON.parse(state!.body.toString()).now, '2026-05-01T00:00:00.000Z');
    // Up to the bound, in steps, is still fine; one more step past it is not.
    assert.equal((await call(route, 'POST', '/_studio/clock', '{"advance":"18000d"}'))!.statusCode, 200);
    assert.equal((await call(route, 'POST', '/_studio/clock', '{"advance":"18000d"}'))!.statusCode, 200);
    assert.equal((await call(route, 'POST', '/_studio/clock', '{"advance":"1000d"}'))!.statusCode, 400);
    assert.equal(clock.offset, 36000 * 86_400_000);
  });

  it('answers health and leaves unknown paths to the caller', async () => {
    const route = createStudioAdminRoute(new AdjustableClock(0, fixed));
    assert.equal((await call(route, 'GET', '/_studio/health'))!.statusCode, 200);
    assert.equal(await call(route, 'GET', '/_studio/other'), undefined);
  });
});
