// A session's pictures: its cost history as a curve, and its current network drawn with the
// activations of one kept example and ∂C/∂W of the batch cost over the whole kept set.
import { type ExampleJson, fromDenseNetwork, toRows } from '../core/network.js';
import type { OperationContext } from '../operations/operation.js';
import { readSession } from '../operations/sessions.js';
import type { SessionState } from '../sessions/codec.js';
import { type CostScale, renderCostCurve } from './cost-curve.js';
import { drawNetwork } from './diagram.js';

/**
 * costHistory holds the costs the last steps reported (each: the batch cost before that step's
 * update), so costHistory[i] is drawn at the step that reported it: step − length + 1 + i.
 */
export async function sessionCostCurve(id: string, scale: CostScale, ctx: OperationContext): Promise<string> {
  const { state } = await readSession(id, ctx);
  const history = state.costHistory;
  return renderCostCurve(history, {
    scale,
    firstStep: state.step - history.length + 1,
    title: `Session ${id}: cost C, ${state.cost} (${state.reduction})${scale === 'log' ? ', log scale' : ''}`,
  });
}

function keptExamples(state: SessionState): ExampleJson[] {
  const { count, inputs, targets } = state.examples;
  const nIn = state.net.layers[0].nIn;
  const nOut = state.net.layers[state.net.layers.length - 1].nOut;
  const x = toRows(inputs, count, nIn);
  const y = toRows(targets!, count, nOut);
  return x.map((input, e) => ({ input, target: y[e] }));
}

export async function sessionDiagram(
  id: string, options: { example?: number; maxNeuronsPerLayer?: number }, ctx: OperationContext,
): Promise<string> {
  const { state } = await readSession(id, ctx);
  return drawNetwork({
    network: fromDenseNetwork(state.net),
    examples: keptExamples(state),
    cost: state.cost,
    reduction: state.reduction,
    ...options,
    heading: `session ${id} at step ${state.step}`,
  }, ctx.config.limits, { network: '/network', examples: '/examples', example: '/querystring/example' });
}
