"""`.env.example` documents every setting, with a comment, and parses into valid Settings."""

from pathlib import Path

from bot.settings import Settings, env_example

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_is_generated_from_the_current_settings():
    assert (ROOT / ".env.example").read_text() == env_example(), "run `make env-example`"


def test_every_setting_has_a_comment():
    lines = env_example().splitlines()
    names = {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}
    assert names == {name.upper() for name in Settings.model_fields}
    for i, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            assert lines[i - 1].startswith("# ") and len(lines[i - 1]) > 10, f"no comment above {line}"


def test_env_example_values_are_valid_defaults(tmp_path):
    env = tmp_path / ".env"
    env.write_text(env_example())
    settings = Settings(_env_file=env)
    assert settings.effective_mode == "offline"
    assert settings.telegram_bot_token is None and settings.chroma_host is None
    assert settings.admin_user_ids == frozenset()


def test_paths_follow_data_dir_unless_set_on_their_own(tmp_path, monkeypatch):
    from index.settings import IndexSettings

    for name in ("DATA_DIR", "CHROMA_PATH", "HISTORY_DB"):
        monkeypatch.delenv(name, raising=False)
    env = tmp_path / ".env"
    env.write_text(f"DATA_DIR={tmp_path / 'from-env'}\nCHROMA_PATH=\n")

    derived = Settings(_env_file=None, data_dir=tmp_path / "d")
    explicit = Settings(_env_file=None, data_dir=tmp_path / "d", chroma_path=tmp_path / "c", history_db=tmp_path / "h")
    from_file = Settings(_env_file=env)

    assert (derived.chroma_path, derived.history_db) == (tmp_path / "d" / "chroma", tmp_path / "d" / "history.sqlite3")
    assert IndexSettings(_env_file=None, data_dir=tmp_path / "d").chroma_path == tmp_path / "d" / "chroma"
    assert (explicit.chroma_path, explicit.history_db) == (tmp_path / "c", tmp_path / "h")
    assert from_file.chroma_path == tmp_path / "from-env" / "chroma"
    assert from_file.history_db == tmp_path / "from-env" / "history.sqlite3"


def test_env_example_groups_the_settings_in_sections():
    headers = [line for line in env_example().splitlines() if line.startswith("# === ")]
    assert headers[0].startswith("# === Paths") and len(headers) >= 8
    text = env_example()
    assert text.index("DATA_DIR=") < text.index("CHROMA_PATH=") < text.index("HISTORY_DB=") < text.index("CHROMA_HOST=")
