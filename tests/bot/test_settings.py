"""`load_settings`: the settings from the environment and .env, or one error naming every bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no .env here
    return monkeypatch


def test_valid_settings_load(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("TOP_K", "7")
    settings = load_settings()
    assert settings.top_k == 7 and settings.data_dir == tmp_path / "data"


def test_every_invalid_variable_is_named_in_one_error(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TOP_K", "many")
    clean_env.setenv("ADMIN_USER_IDS", "1,bob")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("invalid settings (environment or .env): ")
    assert "TOP_K: " in message and "ADMIN_USER_IDS: " in message and "comma-separated numeric" in message
    assert caught.value.exit_status == 2  # fix the configuration
    assert caught.value.__suppress_context__  # no pydantic traceback chained to it
