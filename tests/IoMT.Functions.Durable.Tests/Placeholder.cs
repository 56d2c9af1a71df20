namespace IoMT.Functions.Durable.Tests;
