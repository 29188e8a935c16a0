import { RecorderService } from '../recording/recorder.service';
import type { FeedbackChange } from '../request-log/request-log.types';
import { FeedbackService } from './feedback.service';
import type { LearnedModelPolicy } from './learned-policy';
import type { OutcomesService } from './outcomes.service';

/**
 * A request whose recorder batch is being written: the row is invisible to an update until the batch
 * commits, and the commit lands while the first database round trip is in flight.
 */
function committingWhileUpdating() {
  let committed = false;
  let writing = true;
  const change: FeedbackChange = {
    requestId: 'r1',
    taskType: 'chat',
    model: 'm',
    success: true,
    ts: new Date(),
    previous: null,
    score: 0.5,
  };
  const commit = () => {
    committed = true;
    writing = false;
  };
  const outcomes = {
    setFeedback: jest.fn((id: string) => {
      const visible = committed;
      commit(); // the batch commits during this round trip
      return Promise.resolve(visible && id === 'r1' ? change : undefined);
    }),
  };
  // The real RecorderService.written over a recorder whose batch is being written.
  const recorder = {
    isPending: jest.fn(() => writing),
    flush: jest.fn(() => Promise.resolve(commit())),
    written(id: string): Promise<void> {
      return RecorderService.prototype.written.call(this as unknown as RecorderService, id);
    },
  };
  const policy = { applyFeedback: jest.fn() };
  const service = new FeedbackService(
    outcomes as unknown as OutcomesService,
    policy as unknown as LearnedModelPolicy,
    recorder as unknown as RecorderService,
  );
  return { service, outcomes, recorder, policy };
}

describe('FeedbackService', () => {
  it('finds a request whose batch commits while the feedback is being written (pending is asked first)', async () => {
    const { service, recorder, policy } = committingWhileUpdating();
    const result = await service.record({ requestId: 'r1', score: 0.5 });
    expect(result).toMatchObject({ requestId: 'r1', score: 0.5, model: 'm' });
    expect(recorder.flush).toHaveBeenCalledTimes(1);
    expect(policy.applyFeedback).toHaveBeenCalledTimes(1);
  });

  it('refuses a score out of range before touching the log', async () => {
    const { service, outcomes } = committingWhileUpdating();
    await expect(service.record({ requestId: 'r1', score: 2 })).rejects.toThrow(/score/);
    expect(outcomes.setFeedback).not.toHaveBeenCalled();
  });
});
