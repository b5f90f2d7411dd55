using Overfit.Cli.Infrastructure;

namespace Overfit.Cli.Tests.Infrastructure;

public class CsvDataTests
{
    [Fact]
    public void ReadsQuotedFieldsAndSelectsColumnsByNameOrIndex()
    {
        var data = CsvData.Parse("\uFEFFtime,\"label, quoted\",position\r\n0,\"a \"\"b\"\"\",1.5\r\n2,c,-3e-1\r\n\r\n", "test.csv");
        Assert.Equal(["time", "label, quoted", "position"], data.Header);
        Assert.Equal(2, data.Rows.Count);
        Assert.Equal("a \"b\"", data.Rows[0][1]);
        Assert.Equal([0, 2], data.ColumnIndices("time, 2", "--x"));
        var numbers = data.Numbers(data.ColumnIndices("time,position", "--x"));
        Assert.Equal(new double[,] { { 0, 1.5 }, { 2, -0.3 } }, numbers);
    }

    [Fact]
    public void ErrorsNameTheOptionRowAndColumn()
    {
        var data = CsvData.Parse("x,y\n1,2\n3,oops\n", "data.csv");
        var column = Assert.Throws<ArgumentException>(() => data.ColumnIndices("z", "--y"));
        Assert.Equal("--y: expected a column name among [x, y] or an index below 2, got 'z'", column.Message);
        var number = Assert.Throws<FormatException>(() => data.Numbers([1]));
        Assert.Equal("data.csv: row 2 (line 3), column 'y' expected a number, got 'oops'", number.Message);
        var ragged = Assert.Throws<FormatException>(() => CsvData.Parse("a,b\n1\n", "r.csv"));
        Assert.Contains("line 2 expected 2 fields like the header, got 1", ragged.Message);
        Assert.Throws<FormatException>(() => CsvData.Parse("a,\"b\n", "q.csv"));
        var missing = Assert.Throws<FileNotFoundException>(() => CsvData.Read("/nonexistent/file.csv"));
        Assert.StartsWith("--csv: expected an existing CSV file", missing.Message);
    }

    [Fact]
    public void WriterOutputReadsBackUnchanged()
    {
        var table = new ResultTable("t", "name", "value").AddRow("a,\"b\"", 0.25).AddRow("plain", -1.0);
        var data = CsvData.Parse(CsvWriter.ToCsv(table));
        Assert.Equal(["name", "value"], data.Header);
        Assert.Equal("a,\"b\"", data.Rows[0][0]);
        Assert.Equal(new double[,] { { 0.25 }, { -1 } }, data.Numbers([1]));
    }
}
