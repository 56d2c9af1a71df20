using IoMT.Local;

// `--simulate` / `--no-simulate` turn the built-in simulation on or off (by default it runs while there are no devices).
var builder = WebApplication.CreateBuilder([.. args.Select(a => a switch { "--simulate" => "--IoMT:Simulate=true", "--no-simulate" => "--IoMT:Simulate=false", _ => a })]);
builder.AddIoMTLocal();

var app = builder.Build();
app.MapIoMTLocal();
app.Run();
