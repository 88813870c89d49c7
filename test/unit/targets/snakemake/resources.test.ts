import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { memToMb, ruleResources, timeToMinutes } from '../../../../src/targets/snakemake/resources.js';
import { pythonString } from '../../../../src/targets/snakemake/escape.js';

describe('memToMb', () => {
  const CASES: [string, number | undefined][] = [
    ['500M', 500],
    ['8G', 8192],
    ['8g', 8192],
    ['8GB', 8192],
    ['1.5G', 1536],
    ['1T', 1048576],
    ['2048', 2048],
    ['100K', 1],
    ['2049K', 3],
    ['', undefined],
    ['lots', undefined],
    ['8 GiB', undefined],
    ['-1G', undefined],
  ];
  for (const [mem, expected] of CASES) {
    test(JSON.stringify(mem), () => assert.equal(memToMb(mem), expected));
  }
});

describe('timeToMinutes', () => {
  const CASES: [string, number | undefined][] = [
    ['90', 90],
    ['5:30', 6],
    ['00:05:00', 5],
    ['02:00:00', 120],
    ['01:00:01', 61],
    ['1-0', 1440],
    ['1-2', 1560],
    ['1-02:30', 1590],
    ['2-00:00:30', 2881],
    ['0', 1],
    ['', undefined],
    ['1h', undefined],
    ['1:2:3:4', undefined],
  ];
  for (const [time, expected] of CASES) {
    test(JSON.stringify(time), () => assert.equal(timeToMinutes(time), expected));
  }
});

describe('ruleResources', () => {
  test('no resources: one thread and an empty slurm_extra', () => {
    assert.deepEqual(ruleResources({}, pythonString), { threads: 1, entries: ['slurm_extra=""'] });
  });

  test('every resource maps to its Snakemake name; partition, account and GPUs also go to sbatch', () => {
    const asked = ruleResources({ cpus: 4, gpus: 2, mem: '8G', time: '02:00:00', partition: 'gpu', account: "lab's" }, pythonString);
    assert.deepEqual(asked, {
      threads: 4,
      entries: ['mem_mb=8192', 'runtime=120', 'gpu=2', `slurm_extra="--partition=gpu '--account=lab'\\\\''s' --gres=gpu:2"`],
    });
  });
});
