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
