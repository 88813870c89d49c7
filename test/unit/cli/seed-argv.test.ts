import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rewriteSeedArgv } from '../../../src/cli/seed-argv.js';

describe('rewriteSeedArgv accepts the seed spellings', () => {
  const cases: [string[], string[]][] = [
    [['--enable_pred_trk_pxl=1'], ['--enable', 'pred_trk_pxl=1']],
    [['--enable_crop', '0'], ['--enable', 'crop=0']],
    [['--enable_crop', '--run=0'], ['--enable', 'crop=1', '--run=0']],
    [['--enable_links=1'], ['--enable-links=1']],
    [['--skip_existing=0'], ['--skip-existing=0']],
    [['--queue_size=2'], ['--workers=2']],
    [['--tmux_workers', '4'], ['--workers', '4']],
    [['--queue_name=secondary-eval'], ['--queue-name=secondary-eval']],
    [['--virtualenv_cmd=conda activate watch'], ['--virtualenv-cmd=conda activate watch']],
    [['--devices=0,1', '--backend=serial'], ['--devices=0,1', '--backend=serial']],
    [['--', '--enable_x=1'], ['--', '--enable_x=1']],
  ];
  for (const [given, want] of cases) test(given.join(' '), () => assert.deepEqual(rewriteSeedArgv(given), want));
});
