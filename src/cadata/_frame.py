"""Table Schema types mapped to Arrow and pandas types (imports them lazily)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Table Schema field types cadata uses, and their Arrow type names.
ARROW_TYPE_NAMES = {"integer": "int64", "number": "double", "boolean": "bool", "string": "string"}


def field_enum(field: dict[str, Any]) -> list[Any] | None:
    """The field's enum constraint, if any."""
    enum = field.get("constraints", {}).get("enum")
    return list(enum) if enum is not None else None


def arrow_schema(schema: dict[str, Any]) -> pa.Schema:
    """The Arrow schema a table's Parquet file must have."""
    import pyarrow as pa

    types = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "string": pa.string()}
    return pa.schema(
        [pa.field(f["name"], types[f["type"]], nullable=True) for f in schema["fields"]]
    )


def pandas_dtype(field: dict[str, Any]) -> Any:
    """The pandas dtype of a field: nullable integers, categoricals for enums."""
    import pandas as pd

    enum = field_enum(field)
    if enum is not None:
        return pd.CategoricalDtype(categories=enum, ordered=False)
    return {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}[
        field["type"]
    ]


def to_pandas(table: pa.Table, schema: dict[str, Any], *, categoricals: bool = True) -> pd.DataFrame:
    """An Arrow table as a DataFrame with the schema's dtypes.

    With ``categoricals=False`` enum columns stay strings, so that a value outside
    the enum is kept (and reported by validation) instead of becoming missing.
    """
    import pandas as pd

    columns = {}
    for field in schema["fields"]:
        column = table.column(field["name"]).to_pandas()
        dtype = pandas_dtype(field) if categoricals or field_enum(field) is None else "string"
        columns[field["name"]] = column.astype(dtype)
    return pd.DataFrame(columns)
