/**
 * The learning method, framework-free: what the routing integration calls.
 *
 *   const learner = new OnlineLearner({ seed });                      // or restore(snapshot)
 *   const request = learner.features(promptText, taskType);           // once per request
 *   const decision = learner.decide(request, candidates, objective);  // the model, the estimates, why
 *   explainDecision(decision)                                         // a header / console line
 *   learner.observe({ request, model, signals, decision })            // every outcome, grade or feedback
 *   learner.snapshot() / learner.restore(snapshot)                    // persistence
 */
export { OnlineLearner } from './online-learner';
export type { LearnerModelView } from './online-learner';
export type { Candidate, Decision, LearnerOptions, LearnerSnapshot, Observation, RequestFeatures } from './types';
export { DEFAULT_LEARNER_OPTIONS, MAX_MODELS } from './types';
export type { CandidateEstimate, ChoiceReason, Objective } from './objective';
export { checkObjective } from './objective';
export { explainDecision, objectiveLabel } from './explain';
export type { JudgeInput, JudgeMessage, JudgeVerdict } from './judge';
export { buildJudgePrompt, parseJudgeReply, JUDGE_SYSTEM_PROMPT } from './judge';
export type { OutcomeClass, OutcomeSignals, Reward, RewardSource } from './reward';
export { OUTCOME_CLASSES, resolveReward } from './reward';
export type { FeatureOptions, FeatureVector } from './features';
