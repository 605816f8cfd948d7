// The examples the docs show are true: the lesson's numbers match a hand derivation, and every
// documented request example gets exactly the documented response example from the service.
import { beforeAll, describe, expect, it } from 'vitest';
import { lessonForwardResponse, lessonGradientResponse } from '../../schemas/examples.js';
import { generateOpenApi } from '../../scripts/openapi-document.js';
import { chainByHand } from '../helpers/chain-by-hand.js';
import { makeApp } from '../helpers/app.js';

type Json = Record<string, any>;
let document: Json;
beforeAll(async () => { document = await generateOpenApi(); });

const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(expected)));

describe('the lesson example in the docs', () => {
  it('has the numbers of the hand derivation', () => {
    const hand = chainByHand();
    close(lessonGradientResponse.cost, hand.cost);
    lessonGradientResponse.vector.forEach((g, i) => close(g, hand.vector[i]!));
    lessonGradientResponse.gradient.layers.forEach((layer, l) => {
      close(layer.weights[0]![0]!, hand.vector[2 * l]!);
      close(layer.biases[0]!, hand.vector[2 * l + 1]!);
    });
    lessonGradientResponse.examples[0]!.layers.forEach((layer, l) => {
      close(layer.z![0]!, hand.z[l]!);
      close(layer.a![0]!, hand.a[l]!);
      close(layer.dCda[0]!, hand.dCda[l]!);
      close(layer.dCdz[0]!, hand.dCdz[l]!);
    });
    close(lessonGradientResponse.examples[0]!.dCdInput[0]!, hand.dCdInput);
    close(lessonForwardResponse.cost, hand.cost);
    close(lessonForwardResponse.outputs[0]![0]!, hand.outputs[0]![0]!);
  });

  it('is shown on POST /v1/gradient and POST /v1/forward, request and response', () => {
    for (const path of ['/v1/gradient', '/v1/forward']) {
      const op = document.paths[path].post;
      expect(op.requestBody.content['application/json'].example.network.layers).toHaveLength(3);
      expect(op.responses['200'].content['application/json'].example.cost).toBe(lessonGradientResponse.cost);
    }
  });

  it('every documented response example is what the service answers to the documented request example', async () => {
    const app = await makeApp();
    let compared = 0;
    for (const [path, item] of Object.entries(document.paths as Json)) {
      const op = item.post;
      const request = op?.requestBody?.content?.['application/json']?.example;
      const success = Object.entries(op?.responses ?? {}).find(([status]) => status.startsWith('2'))?.[1] as Json | undefined;
      const response = success?.content?.['application/json']?.example;
      if (request === undefined || response === undefined || path.includes('{')) continue;
      const res = await app.inject({ method: 'POST', url: path, payload: request });
      expect(res.json(), path).toEqual(response);
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(2);
    await app.close();
  });
});
