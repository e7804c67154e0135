// Text from files and from the engine shown in markdown: escaped whole, asserted exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeMarkdown, markdownCode } from '../../../server/src/core/markdown/markdownText';

describe('escapeMarkdown', () => {
  it('escapes every ASCII punctuation character, so no link, image, tag or autolink can start', () => {
    assert.equal(escapeMarkdown('[x](http://evil)![i](http://evil/i.png)'), '\\[x\\]\\(http\\:\\/\\/evil\\)\\!\\[i\\]\\(http\\:\\/\\/evil\\/i\\.png\\)');
    assert.equal(escapeMarkdown('<img src=x onerror=1> &amp; www.evil.com *bold* _em_ `code` | # ~'), '\\<img src\\=x onerror\\=1\\> \\&amp\\; www\\.evil\\.com \\*bold\\* \\_em\\_ \\`code\\` \\| \\# \\~');
  });

  it('keeps the text on its line and leaves letters, digits and other scripts alone', () => {
    assert.equal(escapeMarkdown('Clé de test\n# not a heading\r\nend'), 'Clé de test \\# not a heading end');
  });
});

describe('markdownCode', () => {
  it('fences with one more backtick than the longest run inside, padded at a backtick edge', () => {
    assert.equal(markdownCode('alias/app'), '`alias/app`');
    assert.equal(markdownCode('a`b'), '``a`b``');
    assert.equal(markdownCode('`x`` y'), '``` `x`` y ```');
  });

  it('escapes pipes in a table cell, where GFM splits cells before reading code spans', () => {
    assert.equal(markdownCode('a | b', { inTable: true }), '`a \\| b`');
    assert.equal(markdownCode('desc\nline | ![i](http://evil/i.png)', { inTable: true }), '`desc line \\| ![i](http://evil/i.png)`');
  });
});
