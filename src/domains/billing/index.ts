/**
 * The billing domain's public surface: the data-layer check other domains' writes call inside their
 * own transaction (a limit of the plan, or an overdue payment, is a 402).
 */
export { assertBillingAllows } from './limits';
export { PLANS, type Plan } from './plans';
