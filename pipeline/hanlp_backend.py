"""Optional HanLP (2.1.x, PyTorch) backend: POS tagging, tokenization and NER for report text.

HanLP is imported lazily, so this module imports (and type-checks) without it installed;
every entry point raises `HanlpUnavailable` with the install command when it is missing.

Models are only ever read from disk. `HanlpTagger.load` accepts a component's save_dir or a
HanLP identifier (`CTB9_POS_ELECTRA_SMALL`, ...) that is already unpacked in the local HanLP
cache (`$HANLP_HOME`, default `~/.hanlp`; set it before HanLP is first imported, HanLP binds
it at import time). Any attempt by HanLP to download a model or a transformer tokenizer is
refused with `HanlpModelNotFound`, and Hugging Face is put in offline mode unless the caller
set `HF_HUB_OFFLINE` already.

Two shapes of model are supported:

* a POS tagger component, whose input is a list of tokens, combined with a tokenizer: a
  HanLP tokenizer model (`tokenizer=`), a plain callable, or the `tokenize` argument of `tag`;
* a multi-task model (MTL) that does tok + pos (+ ner) from raw text.

`train_rnn_tagger` trains a small `RNNTagger` on word/POS-tagged sentences, for a domain tagger.
It trains without a CRF layer: in hanlp 2.1.5 `RNNTaggingModel` passes `crf_constraints` (None)
into the `batch_first` slot of `CRF`, so the CRF reads (batch, time) tensors as (time, batch):
`decode` returns one list per time step and the tagger answers one tag per sentence, and the
training loss learns transitions across sentences. `load` sets `batch_first` back on saved RNN
taggers that have a CRF, which repairs their decoding.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import random
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pipeline.words import TaggedToken

INSTALL_HINT = "pip install torch==2.13.0 && pip install hanlp==2.1.5"

Tokenize = Callable[[str], list[str]]

# Preferred task names of HanLP's Chinese MTL models, best first; any task with the prefix follows.
TOK_TASKS = ("tok/fine", "tok/coarse", "tok")
POS_TASKS = ("pos/ctb", "pos/pku", "pos/863", "pos")
NER_TASKS = ("ner/msra", "ner/pku", "ner/ontonotes", "ner")


class HanlpUnavailable(RuntimeError):
    """HanLP (or PyTorch) is not installed in this environment."""


class HanlpModelNotFound(FileNotFoundError):
    """The model is neither a local save_dir nor unpacked in the local HanLP cache."""


class HanlpLoadError(RuntimeError):
    """HanLP found the model but failed to build it."""


def _import_hanlp() -> Any:
    """Import hanlp (and torch, which `import hanlp` itself does not touch) or raise HanlpUnavailable."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import hanlp
        import torch  # noqa: F401
    except ImportError as exc:
        raise HanlpUnavailable(
            f"The HanLP backend needs hanlp and PyTorch ({exc.name or exc} is missing). "
            f"Install them with: {INSTALL_HINT}  (or `pip install -e .[hanlp]` after the torch pin)"
        ) from exc
    return hanlp


def _hanlp_home() -> str:
    from hanlp.utils.io_util import hanlp_home

    return str(hanlp_home())


@contextlib.contextmanager
def _offline() -> Iterator[None]:
    """Refuse every download HanLP attempts while loading; skip its PyPI version check on failure."""
    from hanlp.utils import component_util, io_util

    def refuse_download(url: str, save_path: str | None = None, *args: Any, **kwargs: Any) -> NoReturn:
        where = save_path or io_util.path_from_url(url)
        raise HanlpModelNotFound(
            f"HanLP wanted to download {url}, but downloads are disabled. Put the unpacked resource at "
            f"{io_util.split_if_compressed(where)[0]} (HANLP_HOME={_hanlp_home()}) or pass a local save_dir."
        )

    def no_pypi(*args: Any, **kwargs: Any) -> NoReturn:
        raise OSError("PyPI version check disabled")

    saved = (io_util.download, component_util.get_latest_info_from_pypi)
    io_util.download = refuse_download
    component_util.get_latest_info_from_pypi = no_pypi
    try:
        yield
    finally:
        io_util.download, component_util.get_latest_info_from_pypi = saved


def _root_cause(exc: BaseException) -> BaseException:
    """HanLP's load-error reporter imports pkg_resources (gone from setuptools>=81); unwrap that."""
    seen: BaseException = exc
    while isinstance(seen, ModuleNotFoundError) and seen.name == "pkg_resources" and seen.__context__ is not None:
        seen = seen.__context__
    return seen


def _resolve_model(model: str | Path) -> str:
    """What to hand `hanlp.load`: an absolute save_dir, or a HanLP identifier / URL (cache-only)."""
    hanlp = _import_hanlp()
    name = os.fspath(model)
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.json").is_file() and not (path / "meta.json").is_file():
            raise HanlpModelNotFound(f"{path} is not a HanLP save_dir (no config.json or meta.json in it)")
        return str(path.resolve())
    if name in hanlp.pretrained.ALL or name.startswith(("http:", "https:")):
        return name
    raise HanlpModelNotFound(
        f"HanLP model {name!r} not found: it is not an existing save_dir and not a HanLP identifier "
        f"(see hanlp.pretrained.ALL) in the local cache HANLP_HOME={_hanlp_home()}"
    )


def _load_component(name: str, devices: Any = None) -> Any:
    """`hanlp.load` restricted to local files: a save_dir, or an identifier in the HanLP cache."""
    hanlp = _import_hanlp()
    try:
        with _offline():
            return hanlp.load(name, devices=devices, verbose=False)
    except HanlpModelNotFound:
        raise
    except Exception as exc:
        cause = _root_cause(exc)
        if isinstance(cause, HanlpModelNotFound):
            raise cause from None
        if isinstance(cause, FileNotFoundError) or "resolves to a nonexistent meta file" in str(cause):
            raise HanlpModelNotFound(f"HanLP model {name!r} could not be found locally: {cause}") from cause
        if cause is not exc:
            raise HanlpLoadError(f"HanLP failed to load {name!r}: {cause!r}") from cause
        raise


def _repair_rnn_crf(component: Any) -> None:
    """hanlp 2.1.5 builds RNNTaggingModel's CRF with batch_first=None; its tensors are batch-first."""
    crf = getattr(getattr(component, "model", None), "crf", None)
    if crf is not None and type(component.model).__name__ == "RNNTaggingModel" and not crf.batch_first:
        crf.batch_first = True


def _is_mtl(component: Any) -> bool:
    from hanlp.components.mtl.multi_task_learning import MultiTaskLearning

    return isinstance(component, MultiTaskLearning)


def _pick_task(names: Sequence[str], preferred: Sequence[str], wanted: str | None) -> str | None:
    if wanted is not None:
        if wanted not in names:
            raise ValueError(f"MTL model has no task {wanted!r}; its tasks are {list(names)}")
        return wanted
    for name in preferred:
        if name in names:
            return name
    prefix = preferred[-1]
    return next((n for n in names if n.startswith(prefix)), None)


def _tok_key(doc: dict[str, Any]) -> str:
    keys = [k for k in doc if k.startswith("tok")]
    if not keys:
        raise HanlpLoadError(f"MTL output has no tokens: keys {list(doc)}")
    return next((k for k in TOK_TASKS if k in keys), keys[0])


def _as_tokens(output: Any) -> list[str]:
    """Normalize what a HanLP tokenizer returns (tokens, spans with output_spans, or an MTL Document)."""
    if isinstance(output, dict):
        output = output[_tok_key(output)]
    return [t if isinstance(t, str) else str(t[0]) for t in output]


def align_tokens(text: str, tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of `tokens` in `text`, each searched from the end of the previous one."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for token in tokens:
        start = text.find(token, cursor) if token else -1
        if start < 0:
            raise ValueError(f"token {token!r} not found in text after offset {cursor}: {text[cursor : cursor + 30]!r}")
        cursor = start + len(token)
        spans.append((start, cursor))
    return spans


class HanlpTagger:
    """POS tagging (and NER where the model has it) through a locally stored HanLP model."""

    def __init__(
        self,
        component: Any,
        tokenizer: Tokenize | None = None,
        *,
        mtl_tasks: tuple[str, str | None] | None = None,
    ) -> None:
        """Prefer `load`. `mtl_tasks` = (pos task, ner task or None) marks `component` as an MTL model."""
        self.component = component
        self.tokenizer = tokenizer
        self.mtl_tasks = mtl_tasks

    @classmethod
    def load(
        cls,
        model: str | Path,
        tokenizer: str | Path | Tokenize | None = None,
        *,
        pos_task: str | None = None,
        ner_task: str | None = None,
        devices: Any = None,
    ) -> HanlpTagger:
        """Load a POS tagger (+ optional tokenizer model or callable) or an MTL model.

        `model` and a path/identifier `tokenizer` must be local (see module docstring).
        `pos_task`/`ner_task` choose MTL tasks (default: pos/ctb, ner/msra, else the first pos*/ner*).
        `devices` goes to hanlp.load (-1 forces CPU; None lets HanLP pick a GPU if there is one).
        """
        # Check both locations before building either model.
        model_name = _resolve_model(model)
        tok_name = None if tokenizer is None or callable(tokenizer) else _resolve_model(tokenizer)
        component = _load_component(model_name, devices)
        tok: Tokenize | None
        if tok_name is None:
            tok = tokenizer if callable(tokenizer) else None
        else:
            tok_component = _load_component(tok_name, devices)

            def tok(text: str) -> list[str]:
                return _as_tokens(tok_component(text))

        if _is_mtl(component):
            names = list(component.config.task_names)
            pos = _pick_task(names, POS_TASKS, pos_task)
            if pos is None:
                raise HanlpLoadError(f"MTL model {model} has no POS task; its tasks are {names}")
            ner = _pick_task(names, NER_TASKS, ner_task)
            return cls(component, tok, mtl_tasks=(pos, ner))
        if not hasattr(component, "predict") or not hasattr(component, "vocabs"):
            raise HanlpLoadError(f"{model} is a {type(component).__name__}, not a POS tagger or an MTL model")
        _repair_rnn_crf(component)
        return cls(component, tok)

    @property
    def is_mtl(self) -> bool:
        return self.mtl_tasks is not None

    @property
    def has_ner(self) -> bool:
        return self.mtl_tasks is not None and self.mtl_tasks[1] is not None

    def tag_tokens(self, tokens: list[str]) -> list[str]:
        """POS tags for pre-segmented tokens (one tag per token)."""
        if not tokens:
            return []
        if self.mtl_tasks is not None:
            doc = self.component(list(tokens), tasks=self.mtl_tasks[0], skip_tasks="tok*")
            tags = doc[self.mtl_tasks[0]]
        else:
            tags = self.component(list(tokens))
        if len(tags) != len(tokens):
            raise HanlpLoadError(f"HanLP returned {len(tags)} tags for {len(tokens)} tokens")
        return [str(t) for t in tags]

    def tag(self, text: str, tokenize: Tokenize | None = None) -> list[TaggedToken]:
        """Tokenize and tag `text`; offsets index into `text`.

        Tokens come from `tokenize` if given, else the tokenizer given to `load`, else the MTL model.
        """
        if not text.strip():
            return []
        tokenize = tokenize or self.tokenizer
        if tokenize is not None:
            tokens = [t for t in _as_tokens(tokenize(text)) if t.strip()]
            tags = self.tag_tokens(tokens)
        elif self.mtl_tasks is not None:
            doc = self.component(text, tasks=self.mtl_tasks[0])
            tokens = list(doc[_tok_key(doc)])
            tags = [str(t) for t in doc[self.mtl_tasks[0]]]
        else:
            raise ValueError(
                "this HanLP POS tagger needs tokens: pass `tokenize=` (e.g. DomainTokenizer().cut) "
                "or load it with a `tokenizer`"
            )
        spans = align_tokens(text, tokens)
        return [TaggedToken(tok, pos, s, e) for tok, pos, (s, e) in zip(tokens, tags, spans, strict=True)]

    def entities(self, text: str) -> list[tuple[str, str, int, int]]:
        """(surface, label, start, end) character spans of named entities; [] if the model has no NER."""
        if self.mtl_tasks is None or self.mtl_tasks[1] is None or not text.strip():
            return []
        ner = self.mtl_tasks[1]
        doc = self.component(text, tasks=ner)
        tokens = list(doc[_tok_key(doc)])
        spans = align_tokens(text, tokens)
        out = []
        for _surface, label, first, last in doc[ner]:  # token indices, end exclusive
            start, end = spans[first][0], spans[last - 1][1]
            out.append((text[start:end], str(label), start, end))
        return out


def _write_tsv(path: Path, sentences: Sequence[Sequence[tuple[str, str]]]) -> None:
    lines: list[str] = []
    for sent in sentences:
        lines.extend(f"{word}\t{tag}" for word, tag in sent)
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _check_sentences(sentences: Sequence[Sequence[tuple[str, str]]]) -> None:
    if len(sentences) < 2:
        raise ValueError("need at least 2 tagged sentences to train (one goes to the dev split)")
    for i, sent in enumerate(sentences):
        if not sent:
            raise ValueError(f"sentence {i} is empty")
        for word, tag in sent:
            # HanLP reads the TSV with str.split(): a field may not be empty or contain whitespace.
            if not word or not tag or any(c.isspace() for c in word + tag):
                raise ValueError(f"sentence {i}: token/tag {(word, tag)!r} is empty or contains whitespace")
            if word == "-DOCSTART-":
                raise ValueError(f"sentence {i}: -DOCSTART- is reserved in HanLP's TSV format")


def train_rnn_tagger(
    sentences: list[list[tuple[str, str]]],
    save_dir: Path,
    epochs: int = 3,
    seed: int = 1,
    *,
    embed: int = 64,
    rnn_hidden: int = 64,
    batch_size: int = 16,
    lr: float = 0.01,
    dev_fraction: float = 0.1,
    quiet: bool = True,
) -> Path:
    """Train HanLP's `RNNTagger` on (word, tag) sentences; return `save_dir` (loadable by `HanlpTagger.load`).

    Writes `train.tsv`/`dev.tsv` (token<TAB>tag lines, blank line between sentences) into
    `save_dir/data`; the dev split (a seeded `dev_fraction` of the sentences) picks the best epoch.
    Small dimensions and a high learning rate keep a few hundred sentences to seconds on CPU.
    `quiet` swallows HanLP's progress bars, which it prints to stdout whatever logger it is given.
    """
    _import_hanlp()
    from hanlp.components.taggers.rnn_tagger import RNNTagger  # not taggers.rnn.rnn_tagger

    _check_sentences(sentences)
    save_dir = Path(save_dir)
    data_dir = save_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    n_dev = min(len(sentences) - 1, max(1, round(len(sentences) * dev_fraction)))
    dev = [sentences[i] for i in order[:n_dev]]
    trn = [sentences[i] for i in order[n_dev:]]
    trn_path, dev_path = data_dir / "train.tsv", data_dir / "dev.tsv"
    _write_tsv(trn_path, trn)
    _write_tsv(dev_path, dev)

    logger = logging.getLogger("pipeline.hanlp_backend.train")  # HanLP's default one writes to stdout
    tagger = RNNTagger()
    with contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext():
        tagger.fit(
            str(trn_path),
            str(dev_path),
            str(save_dir),
            epochs=epochs,
            seed=seed,  # HanLP seeds random/numpy/torch globally; None would mean time.time()
            embed=embed,
            rnn_hidden=rnn_hidden,
            batch_size=batch_size,
            lr=lr,
            crf=False,  # see module docstring: the CRF layer is mis-wired in hanlp 2.1.5
            devices=-1,
            logger=logger,
            verbose=False,
        )
    return save_dir
