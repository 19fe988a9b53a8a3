-- Headless Neovim as a third-party LSP client for the EQ preset language server.
--
--   nvim --headless --clean -n -c "luafile test/neovim/lsp-client.lua" -- <file> <line> <col> <server command…>
--
-- Opens <file> with filetype `eqpreset`, starts the server with Neovim's built-in LSP client,
-- waits for the server's first diagnostics for the file, asks for a hover at <line> <col>
-- (both 1-based, col in bytes like Neovim's cursor) and prints one JSON object per line on stdout:
--   {"type":"diagnostic","line":…,"col":…,"endLine":…,"endCol":…,"severity":"ERROR",…,"code":…,"message":…}
--   {"type":"hover","line":…,"col":…,"text":…,"result":…}
-- Lines and columns printed are 0-based, as in LSP; "text" is the hover's contents as one string.
-- Exits 0 on success. On failure it writes the reason to stderr and exits with `cquit! <code>`:
--   1 script error, 2 usage, 3 server did not start or initialize, 4 no diagnostics in time, 5 hover failed.
-- Each wait is bounded by EQP_LSP_TIMEOUT_MS milliseconds (default 10000).
-- Uses only Neovim 0.7 APIs (Debian bookworm ships 0.7.2): no vim.lsp.start, no `nvim -l`.

local TIMEOUT_MS = tonumber(os.getenv('EQP_LSP_TIMEOUT_MS') or '') or 10000
local Failure = {}

local function fail(code, message)
  error(setmetatable({ code = code, message = message }, Failure), 0)
end

local function emit(object)
  io.stdout:write(vim.fn.json_encode(object), '\n')
  io.stdout:flush()
end

-- The words after `--` on Neovim's command line.
local function script_args()
  for i, arg in ipairs(vim.v.argv) do
    if arg == '--' then
      return vim.list_slice(vim.v.argv, i + 1)
    end
  end
  return {}
end

-- Hover contents (MarkupContent, MarkedString or MarkedString[]) as one string.
local function hover_text(result)
  if type(result) ~= 'table' then
    return nil
  end
  local parts = {}
  local function add(item)
    if type(item) == 'string' then
      table.insert(parts, item)
    elseif type(item) == 'table' and type(item.value) == 'string' then
      table.insert(parts, item.value)
    elseif type(item) == 'table' then
      for _, inner in ipairs(item) do
        add(inner)
      end
    end
  end
  add(result.contents)
  return table.concat(parts, '\n')
end

local function main()
  local args = script_args()
  local line, col = tonumber(args[2]), tonumber(args[3])
  if #args < 4 or not line or not col then
    fail(2, 'usage: nvim --headless --clean -n -c "luafile lsp-client.lua" -- <file> <line> <col> <server command…>')
  end
  local file = vim.fn.fnamemodify(args[1], ':p')
  if vim.fn.filereadable(file) ~= 1 then
    fail(2, 'cannot read ' .. file)
  end
  local cmd = vim.list_slice(args, 4)

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'eqpreset'

  local diagnostics_received = false
  local exited = nil
  local started, client_id = pcall(vim.lsp.start_client, {
    name = 'eqpreset',
    cmd = cmd,
    root_dir = vim.fn.fnamemodify(file, ':h'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        local value = vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
        if result and vim.uri_to_bufnr(result.uri) == bufnr then
          diagnostics_received = true
        end
        return value
      end,
    },
    on_exit = function(code, signal)
      exited = string.format('exit code %s, signal %s', tostring(code), tostring(signal))
    end,
  })
  if not started or not client_id then
    fail(3, 'could not start ' .. table.concat(cmd, ' ') .. ': ' .. tostring(client_id))
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  local client = nil
  vim.wait(TIMEOUT_MS, function()
    client = vim.lsp.get_client_by_id(client_id)
    return exited ~= nil or (client ~= nil and client.initialized == true)
  end, 10)
  if exited or not client or not client.initialized then
    fail(3, 'server did not initialize (' .. (exited or ('timeout ' .. TIMEOUT_MS .. ' ms')) .. '): ' .. table.concat(cmd, ' '))
  end

  vim.wait(TIMEOUT_MS, function()
    return diagnostics_received or exited ~= nil
  end, 10)
  if not diagnostics_received then
    fail(4, 'no diagnostics published for ' .. file .. ' (' .. (exited or ('timeout ' .. TIMEOUT_MS .. ' ms')) .. ')')
  end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data or {}).lsp or {}
    emit({
      type = 'diagnostic',
      line = d.lnum,
      col = d.col,
      endLine = d.end_lnum,
      endCol = d.end_col,
      severity = vim.diagnostic.severity[d.severity] or d.severity,
      code = d.code or lsp.code or vim.NIL,
      source = d.source or vim.NIL,
      message = d.message,
    })
  end

  vim.api.nvim_win_set_cursor(0, { line, col - 1 })
  local params = vim.lsp.util.make_position_params()
  local response, reason = client.request_sync('textDocument/hover', params, TIMEOUT_MS, bufnr)
  if not response then
    fail(5, 'hover request failed: ' .. tostring(reason or exited or 'not sent'))
  end
  if response.err then
    fail(5, 'hover error: ' .. vim.inspect(response.err))
  end
  emit({
    type = 'hover',
    line = params.position.line,
    col = params.position.character,
    text = hover_text(response.result) or vim.NIL,
    result = response.result or vim.NIL,
  })
end

local ok, err = pcall(main)
if ok then
  vim.cmd('qall!')
else
  local code, message = 1, tostring(err)
  if getmetatable(err) == Failure then
    code, message = err.code, err.message
  end
  io.stderr:write('lsp-client.lua: ', message, '\n')
  io.stderr:flush()
  vim.cmd('cquit! ' .. code)
end
