"""Verified files as Arrow and pandas, typed by the Table Schema alone.

A file's own description of itself is not trusted: the pandas metadata of a Parquet file
(which can rename, reorder or re-index columns) is dropped, and the dtypes come from the
schema. A CSV file is read with the schema's types, the same Arrow types a cadata Parquet
file has, so both give equal tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadata._descriptor import resource_format
from cadata._frame import field_enum, pandas_dtype
from cadata._paths import remedy
from cadata.errors import IntegrityError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Table Schema's default true and false values.
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]


def read_file(resource: dict[str, Any], path: Path, data: bytes) -> pa.Table:
    """A resource's verified bytes as Arrow: Parquet as written, CSV typed by the schema
    (``path`` names the file in messages)."""
    if resource_format(resource) == "csv":
        return read_csv(resource, path, data)
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table: pa.Table = pq.ParquetFile(pa.BufferReader(data)).read()  # read_table would import pyarrow.dataset
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise IntegrityError(f"{path}: not a readable Parquet file ({exc}); {remedy(path.parent)}") from None
    return table


def _arrow_type(field: dict[str, Any]) -> pa.DataType:
    import pyarrow as pa

    return {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "string": pa.large_string()}[field["type"]]


def _index_type(size: int) -> pa.DataType:
    import pyarrow as pa

    return pa.int8() if size < 1 << 7 else pa.int16() if size < 1 << 15 else pa.int32()


def read_csv(resource: dict[str, Any], path: Path, data: bytes) -> pa.Table:
    """A CSV resource's bytes typed by its Table Schema; enum columns dictionary-encoded by the whole enum."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    schema = resource["schema"]
    dialect = resource.get("dialect") or {}
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(use_threads=False),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect.get("delimiter", ","), quote_char=dialect.get("quoteChar", '"'), newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f["name"]: _arrow_type(f) for f in schema["fields"]},
                null_values=list(schema.get("missingValues", [""])),
                strings_can_be_null=True,
                true_values=TRUE_VALUES,
                false_values=FALSE_VALUES,
            ),
        )
    except Exception as exc:  # pyarrow.lib.ArrowInvalid and others, for a damaged file
        message = " ".join(str(exc).split())[:300]
        raise IntegrityError(f"{path}: not a CSV file its schema describes ({message}); {remedy(path.parent)}") from None
    if table.column_names != [f["name"] for f in schema["fields"]]:
        return table  # the caller names the columns that differ
    return _encoded(table, schema, path, categoricals=True)


def _encoded(table: pa.Table, schema: dict[str, Any], path: Path, *, categoricals: bool) -> pa.Table:
    """Enum columns as dictionaries of exactly the schema's enum (or, without ``categoricals``,
    as text); IntegrityError for a value the enum does not list."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for position, field in enumerate(schema["fields"]):
        enum = field_enum(field)
        if enum is None:
            continue
        column = table.column(position)
        if not categoricals:
            table = table.set_column(position, field["name"], column.cast(pa.large_string()))
            continue
        dictionary = pa.array([str(v) for v in enum], pa.string())
        if pa.types.is_dictionary(column.type) and all(chunk.dictionary.equals(dictionary) for chunk in column.chunks):
            continue  # as cadata writes it: the whole enum, in order
        values = column.cast(pa.string())
        indices = pc.index_in(values, value_set=dictionary)
        strays = pc.filter(values, pc.and_(pc.is_valid(values), pc.is_null(indices)))
        if len(strays):
            raise IntegrityError(
                f"{path}: column {field['name']} holds {strays[0].as_py()!r}, which its schema's enum does not list; "
                f"{remedy(path.parent)}"
            )
        encoded = pa.DictionaryArray.from_arrays(indices.combine_chunks().cast(_index_type(len(enum))), dictionary)
        table = table.set_column(position, pa.field(field["name"], encoded.type), encoded)
    return table


def to_frame(table: pa.Table, schema: dict[str, Any], path: Path, *, categoricals: bool = True) -> pd.DataFrame:
    """A verified Arrow table as pandas with the schema's dtypes, ignoring the file's pandas metadata.

    With ``categoricals=False`` enum columns are strings and keep values outside the enum.
    """
    import pandas as pd
    import pyarrow as pa

    mapper = {
        pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype(),
        pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
    }
    if table.column_names != [f["name"] for f in schema["fields"]]:
        raise IntegrityError(f"{path}: columns are {table.column_names[:50]}, the schema says {[f['name'] for f in schema['fields']][:50]}; {remedy(path.parent)}")
    plain = _encoded(table.replace_schema_metadata(None), schema, path, categoricals=categoricals)
    frame: pd.DataFrame = plain.to_pandas(types_mapper=mapper.get)
    if problem := mismatched_frame(frame, schema, categoricals=categoricals):
        raise IntegrityError(f"{path}: read as {problem}; {remedy(path.parent)}")
    return frame


def mismatched_frame(frame: pd.DataFrame, schema: dict[str, Any], *, categoricals: bool = True) -> str | None:
    """How a DataFrame differs from the schema (column names, order, index, dtypes), or None."""
    import pandas as pd

    names = [f["name"] for f in schema["fields"]]
    if list(frame.columns) != names:
        return f"columns {list(frame.columns)[:50]}, the schema says {names[:50]}"
    index = frame.index
    if not isinstance(index, pd.RangeIndex) or index.start != 0 or index.step != 1 or index.name is not None:
        return f"a frame indexed by {type(index).__name__} {index.name!r}, expected a RangeIndex from 0"
    wanted = {"Int64": pd.Int64Dtype(), "Float64": pd.Float64Dtype(), "boolean": pd.BooleanDtype(), "string": pd.StringDtype()}
    wrong = []
    for field, dtype in zip(schema["fields"], frame.dtypes, strict=True):
        enum = field_enum(field)
        if enum is not None and categoricals:
            expected = "category of the enum"
            same = isinstance(dtype, pd.CategoricalDtype) and not dtype.ordered and list(dtype.categories) == enum
        else:
            expected = "string" if enum is not None else str(pandas_dtype(field))
            same = dtype == wanted[expected]
        if not same:
            wrong.append(f"{field['name']}: {dtype} (expected {expected})")
    return f"dtypes {'; '.join(wrong)}" if wrong else None


def with_trusted_metadata(table: pa.Table, schema: dict[str, Any]) -> pa.Table:
    """The table with pandas metadata made from the schema, so that ``to_pandas()`` gives its dtypes."""
    import pandas as pd
    import pyarrow as pa

    empty = pd.DataFrame({f["name"]: pd.Series([], dtype=pandas_dtype(f)) for f in schema["fields"]})
    trusted: pa.Table = table.replace_schema_metadata(pa.Schema.from_pandas(empty, preserve_index=False).metadata)
    return trusted
