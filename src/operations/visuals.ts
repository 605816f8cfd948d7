// diagram: the network picture as an SVG document. Over REST it is the image itself
// (image/svg+xml); over JSON-RPC the result is the same document as a string.
import { DiagramRequest, SvgDocument } from '../../schemas/visuals.js';
import { drawNetwork } from '../visuals/diagram.js';
import { defineOperation } from './operation.js';

export const diagram = defineOperation({
  name: 'diagram',
  summary: 'The network as a picture (SVG): neurons lit by one example\'s activations, connections by weight sign and |∂C/∂w|.',
  description: 'Neurons are circles whose brightness is a⁽ˡ⁾ of the chosen example (on [0, 1] when the layer\'s activations lie there, '
    + 'else on the layer\'s own range); connections are blue for w > 0 and red for w < 0, their width grows with |∂C/∂w| '
    + '(the gradient of the batch cost C: the nudges that matter most are the thickest) and their opacity with |w|. '
    + 'Each neuron\'s bias is written beside it; layers wider than maxNeuronsPerLayer are elided with a "⋮ n more" marker. '
    + 'REST answers image/svg+xml; the JSON-RPC result is the SVG document as a string.',
  params: DiagramRequest,
  result: SvgDocument,
  run: (request, { config }) => drawNetwork(request, config.limits),
});
