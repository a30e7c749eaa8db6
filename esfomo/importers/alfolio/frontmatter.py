"""Split a Jekyll file into its YAML front matter and body, keeping line numbers for messages.

PyYAML's safe loader reads the front matter, with two changes: aliases (`*name`) are refused,
since a few lines of them can expand into gigabytes and no page needs them; and every mapping
remembers the line of each key, so a bad value is reported at its line.
"""

from dataclasses import dataclass, field

import yaml

from .problems import ImportProblem, Where


class Mapping(dict):
    """A YAML mapping that knows the line it starts on and the line of each key."""

    line: int | None = None
    lines: dict

    def line_of(self, key) -> int | None:
        return getattr(self, "lines", {}).get(key, self.line)


class _Loader(yaml.SafeLoader):
    first_line = 1

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted in front matter", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_yaml_map(self, node):
        data = Mapping()
        data.line = node.start_mark.line + self.first_line
        data.lines = {}
        yield data
        data.update(self.construct_mapping(node))
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                data.lines[self.construct_object(key_node)] = key_node.start_mark.line + self.first_line


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)


@dataclass
class Document:
    where: Where
    data: Mapping = field(default_factory=Mapping)
    body: str = ""
    # The file line on which the body starts, so body line i (from 0) is file line body_line + i.
    body_line: int = 1

    def line_of(self, key) -> int | None:
        return self.data.line_of(key)

    def at(self, key) -> Where:
        return self.where.at(self.line_of(key))


def load_yaml(text: str, where: Where, first_line: int = 1) -> Mapping:
    """Parse YAML that must be a mapping (front matter, `_config.yml`); refuse anything else clearly."""
    loader = _Loader(text)
    loader.first_line = first_line
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else Mapping()
    except yaml.MarkedYAMLError as error:
        # The context ("while parsing a flow sequence") starts where the mistake was made; the
        # problem mark is where the parser gave up, often on the next line.
        mark = error.context_mark or error.problem_mark
        line = mark.line + first_line if mark else first_line
        problem = error.problem or error.context or "unreadable YAML"
        if error.context_mark and error.problem_mark and error.problem_mark.line != error.context_mark.line:
            problem += f" (noticed on line {error.problem_mark.line + first_line})"
        raise ImportProblem(f"the YAML cannot be read: {problem}.", where.at(line)) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        # Out-of-range dates ("2025-13-45") and the like surface as plain Python errors.
        raise ImportProblem(f"the YAML cannot be read: {error}.", where.at(first_line)) from None
    except RecursionError:
        raise ImportProblem("the YAML is nested too deeply to be front matter.", where.at(first_line)) from None
    finally:
        loader.dispose()
    if data is None:
        return Mapping()
    if not isinstance(data, Mapping):
        raise ImportProblem(
            "front matter must be “key: value” lines, not a single value or a list.", where.at(first_line)
        )
    return data


def split(text: str, where: Where) -> Document:
    """Return the document's front matter and body; a file without front matter is all body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Document(where=where, body=text, body_line=1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            end = index
            break
    else:
        raise ImportProblem("the front matter opened by “---” on line 1 is never closed by another “---”.", where.at(1))
    data = load_yaml("\n".join(lines[1:end]), where, first_line=2)
    return Document(where=where, data=data, body="\n".join(lines[end + 1 :]), body_line=end + 2)
