# newsbot — the two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TRAIN_STAMP := $(VENV)/.installed-train

.PHONY: install run test index bench clean env-example messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

# the tests also check the training code (scikit-learn); `make run` does not need it
$(TRAIN_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[train]'
	touch $(TRAIN_STAMP)

install: $(STAMP)

index: install
	$(BIN)/newsbot index

# Index corpus/ (incremental: fast when nothing changed), then run the bot;
# with no TELEGRAM_BOT_TOKEN the same conversation runs in the terminal.
run: install
	$(BIN)/newsbot index
	$(BIN)/newsbot run

test: $(TRAIN_STAMP)
	$(BIN)/python -m pytest -q -ra

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) data .pytest_cache

# .env.example is generated from the settings' descriptions (a test checks it is current)
env-example: install
	$(BIN)/python -m bot.settings > .env.example

# The bot's own words: extract bot/locale/newsbot.pot from the code (every tr.gettext/tr.ngettext
# msgid, with "TRANSLATORS:" comments), then bring every bot/locale/<lang>/LC_MESSAGES/newsbot.po
# up to date with it (new msgids untranslated, removed ones dropped). A test checks both are current.
messages: install
	$(BIN)/pybabel extract --no-default-keywords -k gettext -k ngettext:1,2 --add-comments=TRANSLATORS: \
		--project=newsbot --sort-by-file --width=100 -o bot/locale/newsbot.pot bot
	$(BIN)/pybabel update -i bot/locale/newsbot.pot -d bot/locale -D newsbot --no-fuzzy-matching \
		--ignore-obsolete --width=100
