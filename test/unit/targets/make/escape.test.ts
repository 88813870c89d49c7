import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isMakeSafeName,
  isMakeSafePath,
  makeCommentText,
  makeDollars,
  makeUnsafeCharacters,
  makeVariableValue,
  needsControlPrelude,
  recipeWord,
} from '../../../../src/targets/make/escape.js';

describe('makeDollars', () => {
  const CASES: [string, string][] = [
    ['', ''],
    ['no dollars', 'no dollars'],
    ['$', '$$'],
    ['$$', '$$$$'],
    ['$(shell rm -rf /)', '$$(shell rm -rf /)'],
    ['a${b}c', 'a$${b}c'],
  ];
  for (const [input, expected] of CASES) test(JSON.stringify(input), () => assert.equal(makeDollars(input), expected));
});

describe('recipeWord', () => {
  const CASES: [string, string, string][] = [
    ['plain', 'predict', 'predict'],
    ['empty', '', "''"],
    ['dollar', '$HOME', "'$$HOME'"],
    ['make reference', '$(ROOT)', "'$$(ROOT)'"],
    ['single quote and dollar', "it's $x", "'it'\\''s $$x'"],
    ['hash is literal in recipes', '#x', "'#x'"],
    ['percent and colon stay bare', '%:x', '%:x'],
    ['trailing backslash', 'a\\', "'a\\'"],
    ['tab', 'a\tb', "'a\tb'"],
    ['newline', 'a\nb', 'a"$${gwc_nl}"b'],
    ['only a newline', '\n', '"$${gwc_nl}"'],
    ['CRLF after quoted text', 'x y\r\n', `'x y'"$\${gwc_cr}""$\${gwc_nl}"`],
    ['newline then dollar', '\n$', `"$\${gwc_nl}"'$$'`],
  ];
  for (const [name, input, expected] of CASES) test(name, () => assert.equal(recipeWord(input), expected));

  test('never contains a raw newline or CR, which a recipe line cannot hold', () => {
    for (const [, input] of CASES) assert.doesNotMatch(recipeWord(input), /[\n\r]/);
  });

  test('only words with a newline or CR need the prelude', () => {
    assert.deepEqual(
      CASES.filter(([, input]) => needsControlPrelude(input)).map(([name]) => name),
      ['newline', 'only a newline', 'CRLF after quoted text', 'newline then dollar'],
    );
  });
});

describe('makeVariableValue', () => {
  const CASES: [string, string, string, boolean, boolean][] = [
    ['device list', '0,1', '0,1', false, false],
    ['hash starts a comment', 'a # b', 'a \\# b', false, false],
    ['backslash before hash is doubled', 'a \\# b', 'a \\\\\\# b', false, false],
    ['dollar', 'echo $HOME', 'echo $$HOME', false, false],
    ['newline', 'a\nb', 'a$(GWC_NL)b', true, false],
    ['leading blank', ' lead', '$(GWC_EMPTY) lead', false, true],
    ['trailing backslash', 'trail\\', 'trail\\$(GWC_EMPTY)', false, true],
    ['trailing CR', 'cr\r', 'cr\r$(GWC_EMPTY)', false, true],
    ['backslash before a newline', 'a\\\nb', 'a\\$(GWC_NL)b', true, false],
  ];
  for (const [name, input, text, usesNewline, usesEmpty] of CASES) {
    test(name, () => assert.deepEqual(makeVariableValue(input), { text, usesNewline, usesEmpty }));
  }
});

describe('makeCommentText', () => {
  const CASES: [string, string][] = [
    ['grid.yaml', 'grid.yaml'],
    ['a\nb', 'a?b'],
    ['tab\there', 'tab?here'],
    ['ends with \\', 'ends with '],
  ];
  for (const [input, expected] of CASES) test(JSON.stringify(input), () => assert.equal(makeCommentText(input), expected));
});

describe('make-safe paths and names', () => {
  const PATHS: [string, boolean, string[]][] = [
    ['/srv/gwc/runs', true, []],
    ['/home/josé/runs-2.0+x,y@z', true, []],
    ['/a b', false, [' ']],
    ['/a:b#c%d$e=f;g|h', false, [':', '#', '%', '$', '=', ';', '|']],
    ['/a*b?c[d]e\\f', false, ['*', '?', '[', ']', '\\']],
    ['/a\'b"c(d)', false, ["'", '"', '(', ')']],
    ['/a\nb\tc', false, ['\n', '\t']],
    ['/~user', false, ['~']],
  ];
  for (const [path, safe, chars] of PATHS) {
    test(JSON.stringify(path), () => {
      assert.equal(isMakeSafePath(path), safe);
      assert.deepEqual(makeUnsafeCharacters(path), chars);
    });
  }

  const NAMES: [string, boolean][] = [
    ['predict', true],
    ['bas_pxl.eval-2', true],
    ['-j', false],
    ['.PHONY', false],
    ['a b', false],
    ['a:b', false],
    ['', false],
  ];
  for (const [name, safe] of NAMES) test(`name ${JSON.stringify(name)}`, () => assert.equal(isMakeSafeName(name), safe));
});
