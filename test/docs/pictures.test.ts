// The committed example pictures (docs/images/, shown in the README) are what the service draws
// today: regenerate them with `npm run pictures` when a renderer changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PICTURES_DIR, renderPictures } from '../../scripts/render-pictures.js';
import { parseSvg } from '../helpers/svg.js';

describe('docs/images', () => {
  it('holds exactly what the service renders now (npm run pictures)', async () => {
    const pictures = await renderPictures();
    expect([...pictures.keys()].sort()).toEqual([
      'lesson-chain-diagram.svg', 'network-2-3-2-cost-log.svg', 'network-2-3-2-cost.svg',
      'network-2-3-2-diagram.svg', 'network-2-3-2-trained-diagram.svg',
    ]);
    for (const [name, svg] of pictures) {
      parseSvg(svg);
      expect(readFileSync(join(PICTURES_DIR, name), 'utf8'), `${name} is out of date: npm run pictures`).toBe(svg);
    }
  });

  it('every picture is shown in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const name of ['lesson-chain-diagram.svg', 'network-2-3-2-diagram.svg', 'network-2-3-2-cost.svg', 'network-2-3-2-cost-log.svg', 'network-2-3-2-trained-diagram.svg']) {
      expect(readme).toContain(`](docs/images/${name})`);
    }
  });
});
