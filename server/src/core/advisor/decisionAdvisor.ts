// The advisor's one entry point: answers and prices in, recommendation and costs out. The
// webview sends raw form values; everything is validated here before use.
import { ADVISOR_QUESTIONS, DEFAULT_ANSWERS, normalizeAnswers, type AdvisorAnswers, type AdvisorQuestion } from './advisorQuestions';
import { DEFAULT_PRICES, PRICE_LABELS, estimateCombinedCost, estimateCost, normalizePrices, type CombinedCostEstimate, type CostEstimate, type PriceAssumptions } from './keyServiceCost';
import { ALL_OPTIONS, recommend, type Recommendation } from './keyServiceRecommendation';

export interface AdvisorState {
  readonly answers: AdvisorAnswers;
  readonly prices: PriceAssumptions;
  readonly recommendation: Recommendation;
  readonly costs: readonly CostEstimate[];
  /** The total of the options a combined recommendation pairs (the cost to show for it). */
  readonly combinedCost?: CombinedCostEstimate;
}

export interface AdvisorDefinition {
  readonly questions: readonly AdvisorQuestion[];
  readonly defaultAnswers: AdvisorAnswers;
  readonly defaultPrices: PriceAssumptions;
  readonly priceLabels: Readonly<Record<keyof PriceAssumptions, string>>;
}

export function advisorDefinition(): AdvisorDefinition {
  return { questions: ADVISOR_QUESTIONS, defaultAnswers: DEFAULT_ANSWERS, defaultPrices: DEFAULT_PRICES, priceLabels: PRICE_LABELS };
}

export function evaluateAdvisor(rawAnswers: unknown, rawPrices: unknown): AdvisorState {
  const answers = normalizeAnswers(rawAnswers);
  const prices = normalizePrices(rawPrices);
  const recommendation = recommend(answers);
  return {
    answers,
    prices,
    recommendation,
    costs: ALL_OPTIONS.map((option) => estimateCost(option, answers, prices)),
    ...(recommendation.combinedOptions ? { combinedCost: estimateCombinedCost(recommendation.combinedOptions, answers, prices) } : {}),
  };
}
