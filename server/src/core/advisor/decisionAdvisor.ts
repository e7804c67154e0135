// The advisor's one entry point: answers and prices in, recommendation and costs out. The
// webview sends raw form values; everything is validated here before use.
import { ADVISOR_QUESTIONS, DEFAULT_ANSWERS, normalizeAnswers, type AdvisorAnswers, type AdvisorQuestion } from './advisorQuestions';
import { DEFAULT_PRICES, PRICE_LABELS, estimateCost, normalizePrices, type CostEstimate, type PriceAssumptions } from './keyServiceCost';
import { ALL_OPTIONS, recommend, type Recommendation } from './keyServiceRecommendation';

export interface AdvisorState {
  readonly answers: AdvisorAnswers;
  readonly prices: PriceAssumptions;
  readonly recommendation: Recommendation;
  readonly costs: readonly CostEstimate[];
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
  return {
    answers,
    prices,
    recommendation: recommend(answers),
    costs: ALL_OPTIONS.map((option) => estimateCost(option, answers, prices)),
  };
}
