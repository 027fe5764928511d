"""Message language (gettext catalogues) and progress bars of the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaingraph.cli import cli
from chaingraph.i18n import LOCALEDIR, resolve_language, translation

ROOT = Path(__file__).resolve().parent.parent
DEFECTS = ROOT / "datasets" / "defects"
PO = LOCALEDIR / "zh_CN" / "LC_MESSAGES" / "chaingraph.po"


def _msgids() -> dict[str, str]:
    """msgid → msgstr of the Chinese .po (multi-line strings joined)."""
    entries, key, cur = {}, None, None
    for line in PO.read_text(encoding="utf-8").splitlines():
        m = re.match(r'^(msgid|msgstr) (".*")$', line)
        if m:
            key = m.group(1)
            cur = eval(m.group(2))  # noqa: S307 - a .po string literal
            if key == "msgid":
                msgid = cur
            else:
                entries[msgid] = cur
        elif line.startswith('"') and key:
            if key == "msgid":
                msgid += eval(line)  # noqa: S307
            else:
                entries[msgid] += eval(line)  # noqa: S307
    entries.pop("", None)
    return entries


def test_every_message_has_both_languages():
    entries = _msgids()
    assert len(entries) > 50
    zh = translation("zh")
    for msgid, msgstr in entries.items():
        assert msgstr and msgstr != msgid, msgid
        assert zh.gettext(msgid) == msgstr, f"{msgid!r}: the shipped .mo is stale (run scripts/compile-translations)"
        assert translation("en").gettext(msgid) == msgid
        assert re.findall(r"\{[^}]*\}", msgid) == re.findall(r"\{[^}]*\}", msgstr) or \
            sorted(re.findall(r"\{[^}]*\}", msgid)) == sorted(re.findall(r"\{[^}]*\}", msgstr)), msgid


def test_language_resolution():
    assert resolve_language(None, {}) == "en"
    assert resolve_language(None, {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert resolve_language(None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert resolve_language(None, {"CHAINGRAPH_LANG": "en", "LANG": "zh_CN.UTF-8"}) == "en"
    assert resolve_language("zh", {"CHAINGRAPH_LANG": "en"}) == "zh"
    with pytest.raises(ValueError):
        resolve_language("fr", {})


def _env(**kw) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CHAINGRAPH_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    return env | kw


def test_validate_in_chinese_locale_and_lang_en():
    zh = CliRunner(env=_env(LANG="zh_CN.UTF-8")).invoke(cli, ["validate", str(DEFECTS)])
    assert zh.exit_code == 1
    assert "接受" in zh.output and "拒收" in zh.output and "未通过" in zh.output
    assert "统一社会信用代码格式错误" in zh.output  # the reason's Chinese text
    assert "uscc_malformed" in zh.output  # codes stay English identifiers
    assert "FAILED" not in zh.output
    en = CliRunner(env=_env(LANG="zh_CN.UTF-8")).invoke(cli, ["--lang", "en", "validate", str(DEFECTS)])
    assert en.exit_code == 1 and "FAILED:" in en.output and "accepted" in en.output and "未通过" not in en.output
    env_zh = CliRunner(env=_env(LANG="C", CHAINGRAPH_LANG="zh")).invoke(cli, ["validate", "-q", str(DEFECTS)])
    assert "未通过" in env_zh.output


def test_help_and_errors_follow_the_language():
    runner = CliRunner(env=_env(LANG="C"))
    assert "校验数据集" in runner.invoke(cli, ["--lang", "zh", "validate", "--help"]).output
    assert "Check DATASET" in runner.invoke(cli, ["validate", "--help"]).output
    r = runner.invoke(cli, ["--lang", "zh", "info", "no/such/store"])
    assert r.exit_code == 1 and "错误：" in r.output


def test_query_headers_follow_global_lang(tmp_path):
    runner = CliRunner(env=_env(LANG="C"))
    sample = ROOT / "datasets" / "wuxing-childrenswear"
    args = ["composition", str(sample), "--region", "吴兴区", "--chain", "童装"]
    zh = runner.invoke(cli, args)  # headers: Chinese by default, as before
    en = runner.invoke(cli, ["--lang", "en", *args])
    assert zh.exit_code == 0 and en.exit_code == 0
    assert zh.stdout.splitlines()[0] != en.stdout.splitlines()[0]
    assert runner.invoke(cli, ["--lang", "en", *args, "--lang", "zh"]).stdout.splitlines()[0] == \
        zh.stdout.splitlines()[0]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_build_shows_a_moving_bar_on_a_terminal(tmp_path):
    import pty

    data, store = tmp_path / "synth", tmp_path / "s.cgstore"
    r = CliRunner().invoke(cli, ["--quiet", "synth", "--enterprises", "20000", "-o", str(data)])
    assert r.exit_code == 0, r.output
    code = f"import sys; sys.argv = ['chaingraph', 'build', {str(data)!r}, '-o', {str(store)!r}]; " \
           "from chaingraph.cli import main; main()"
    pid, fd = pty.fork()
    if pid == 0:  # child: stdout and stderr are the pseudo-terminal
        os.environ.update(LANG="C", COLUMNS="160")
        os.environ.pop("CHAINGRAPH_LANG", None)
        os.execv(sys.executable, [sys.executable, "-c", code])
    chunks = []
    while True:
        try:
            b = os.read(fd, 65536)
        except OSError:
            break
        if not b:
            break
        chunks.append(b)
    _, status = os.waitpid(pid, 0)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, out
    percents = set(re.findall(r"(\d+)%", out))
    assert len(percents) >= 4, out  # the bar is redrawn as the tables are validated
    assert "rows/s" in out and "enterprises" in out
    assert store.exists()


def test_no_bar_when_quiet_or_not_a_terminal(tmp_path):
    out = tmp_path / "s"
    r = subprocess.run([sys.executable, "-m", "chaingraph", "--quiet", "synth", "--enterprises", "50", "-o",
                        str(out)], capture_output=True, text=True, cwd=ROOT, env=_env(LANG="C"))
    assert r.returncode == 0 and r.stderr == ""
    r = subprocess.run([sys.executable, "-m", "chaingraph", "validate", "-q", str(out)], capture_output=True,
                       text=True, cwd=ROOT, env=_env(LANG="C"))
    assert r.stderr.strip() == f"… validating {out}" and "%" not in r.stderr
