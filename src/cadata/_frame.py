"""Table Schema types mapped to Arrow and pandas types (imports them lazily).

The Parquet files carry pandas metadata, so that ``pandas.read_parquet`` (and
``cadata.load``) give the schema's dtypes directly: nullable integers, ``Float64``,
``boolean``, ``string``, and categoricals whose categories are the whole enum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def field_enum(field: dict[str, Any]) -> list[Any] | None:
    """The field's enum constraint, if any."""
    enum = field.get("constraints", {}).get("enum")
    return list(enum) if enum is not None else None


def field_kind(field: dict[str, Any]) -> str:
    """``enum`` for a field with an enum, else its Table Schema type."""
    return "enum" if field_enum(field) is not None else str(field["type"])


def arrow_kind(arrow_type: pa.DataType) -> str:
    """The Table Schema kind an Arrow column type stands for (``?`` for any other)."""
    import pyarrow as pa

    if pa.types.is_dictionary(arrow_type):
        return "enum" if pa.types.is_string(arrow_type.value_type) or pa.types.is_large_string(arrow_type.value_type) else "?"
    if pa.types.is_int64(arrow_type):
        return "integer"
    if pa.types.is_float64(arrow_type):
        return "number"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    return "?"


def pandas_dtype(field: dict[str, Any]) -> Any:
    """The pandas dtype of a field: nullable integers, categoricals for enums."""
    import pandas as pd

    enum = field_enum(field)
    if enum is not None:
        return pd.CategoricalDtype(categories=enum, ordered=False)
    return {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}[field["type"]]


def typed_frame(df: pd.DataFrame, schema: dict[str, Any]) -> pd.DataFrame:
    """The schema's columns of ``df``, in order, cast to the schema's dtypes."""
    import pandas as pd

    return pd.DataFrame({f["name"]: df[f["name"]].astype(pandas_dtype(f)) for f in schema["fields"]})


def mismatched_columns(table: pa.Table, schema: dict[str, Any]) -> str | None:
    """How an Arrow table's columns differ from the schema's, or None if they agree."""
    found = [(f.name, arrow_kind(f.type)) for f in table.schema]
    wanted = [(f["name"], field_kind(f)) for f in schema["fields"]]
    if found == wanted:
        return None
    return (
        f"columns are [{', '.join(f'{n}: {k}' for n, k in found)}], "
        f"the schema says [{', '.join(f'{n}: {k}' for n, k in wanted)}]"
    )
